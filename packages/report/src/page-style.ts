/** The report's stylesheet: quiet, print-friendly, readable at laptop widths. */
export const PAGE_STYLE = `
:root { --ink: #1f242b; --muted: #5d6673; --line: #e3e6eb; --bg: #f5f6f8; --card: #fff; --accent: #2f6fb0; --good: #2e8b57; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.top { background: #1f2a37; color: #f3f5f8; padding: 28px 0 22px; }
header.top h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; letter-spacing: -0.01em; }
header.top p { margin: 0; color: #b9c3cf; font-size: 14px; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
nav.toc { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 16px; }
nav.toc a { color: #e6ebf1; text-decoration: none; font-size: 13px; border: 1px solid #3d4b5c; border-radius: 999px; padding: 3px 12px; }
nav.toc a:hover { background: #2c3a4b; }
main { padding: 8px 0 40px; }
section.result { margin-top: 30px; }
section.result > h2 { font-size: 21px; margin: 0 0 2px; font-weight: 650; letter-spacing: -0.01em; }
section.result > .subtitle { color: var(--muted); margin: 0 0 14px; font-size: 14px; }
.highlights { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 10px; margin-bottom: 14px; }
.stat { background: var(--card); border: 1px solid var(--line); border-left: 4px solid #9aa5b4; border-radius: 8px; padding: 10px 14px; }
.stat.good { border-left-color: var(--good); }
.stat.bad { border-left-color: #c0392b; }
.stat .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.stat .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat .note { color: var(--muted); font-size: 12.5px; }
.blocks { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px 12px; margin: 0; min-width: 0; }
.card.wide { grid-column: 1 / -1; }
.card h3 { font-size: 15px; margin: 0 0 8px; font-weight: 600; }
.card figcaption, .card .caption { color: var(--muted); font-size: 13px; margin-top: 8px; max-width: 95ch; }
.chart { width: 100%; }
.chart.failed { color: #c0392b; padding: 20px; }
.card.verdict { padding: 8px 16px; }
ul.verdicts { margin: 0; padding-left: 18px; }
table.data { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
table.data th { color: var(--muted); font-weight: 600; font-size: 12px; border-bottom: 1px solid #cfd4db; }
table.data .num { text-align: right; }
table.data td.sig { color: var(--good); font-weight: 650; }
table.data tfoot td { font-weight: 600; border-bottom: none; }
table.data tbody tr:hover { background: #f8f9fb; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 3px; margin-right: 7px; vertical-align: -1px; }
td.layers, th.layers { white-space: nowrap; }
td.layers span, th.layers span { display: inline-block; width: 60px; padding-left: 6px; text-align: right; font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; vertical-align: bottom; }
th.layers span { font-weight: 500; font-size: 11px; }
td.bar-cell { position: relative; min-width: 150px; }
td.bar-cell .bar { position: absolute; left: 8px; top: 7px; bottom: 7px; max-width: calc(100% - 70px); background: #d7e3f1; border-radius: 3px; }
td.bar-cell .bar.total { background: #b9cde4; }
td.bar-cell .num { position: relative; float: right; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(136px, 1fr)); gap: 12px; }
.tile { margin: 0; text-align: center; font-size: 11.5px; line-height: 1.35; color: var(--muted); }
.tile figcaption { margin-top: 4px; }
.tile .mono { font-size: 11px; color: var(--ink); white-space: nowrap; }
.tile img { width: 112px; height: 112px; image-rendering: pixelated; border-radius: 6px; border: 1px solid var(--line); background: #000; }
.tile.sig img { outline: 2px solid var(--good); outline-offset: 1px; }
.tile .missing { width: 112px; height: 112px; margin: 0 auto; display: flex; align-items: center; justify-content: center; flex-direction: column; border: 1px dashed #c5ccd6; border-radius: 6px; font-size: 11px; overflow: hidden; word-break: break-all; padding: 4px; }
.domain-tag { display: inline-block; font-size: 11.5px; line-height: 1.3; padding: 0 7px; border-radius: 999px; border: 1px solid var(--tag); background: color-mix(in srgb, var(--tag) 16%, #fff); color: var(--ink); font-weight: 600; white-space: nowrap; }
.contexts { display: grid; gap: 8px; }
details.context-group { border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; }
details.context-group > summary { cursor: pointer; font-size: 13px; color: var(--muted); }
details.context-group > summary .mono { color: var(--ink); }
details.context-group .p.sig { color: var(--good); font-weight: 650; }
ol.context-list { list-style: none; margin: 6px 0 2px; padding: 0; }
li.context { display: grid; grid-template-columns: 52px minmax(0, 1fr) 56px; gap: 8px; align-items: baseline; padding: 3px 0; border-top: 1px solid #f0f2f5; }
li.context .text { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; white-space: pre-wrap; overflow-wrap: anywhere; }
li.context .before, li.context .after { color: #6b7480; }
li.context mark.token { background: #ffd54f; color: #1f242b; border-radius: 3px; padding: 0 1px; box-shadow: 0 0 0 1px #e0a800; }
li.context .activation { text-align: right; font-size: 11.5px; color: var(--muted); font-variant-numeric: tabular-nums; }
.ws { color: #b0476b; }
table.samples td.sample { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; white-space: pre-wrap; overflow-wrap: anywhere; vertical-align: top; }
table.samples mark.target { background: #f6c7c7; color: #1f242b; border-radius: 3px; padding: 0 1px; }
table.data tr.chosen td { background: #f1f6fc; }
table.data.setting th { width: 170px; vertical-align: top; }
table.data.setting td { vertical-align: top; }
table.data .note { color: var(--muted); font-size: 12px; }
table.data .random { color: var(--muted); font-size: 11.5px; }
table.data .p { color: var(--muted); font-size: 11.5px; white-space: nowrap; }
table.data .p.sig { color: var(--good); font-weight: 650; }
ul.behaviours { margin: 0; padding-left: 18px; }
.card .bad { color: #c0392b; }
details.setting { margin-top: 3px; }
details.setting > summary { cursor: pointer; color: var(--muted); font-size: 12px; }
details.setting pre { margin: 4px 0 0; line-height: 1.15; }
.frame-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0 0 6px; font-size: 12px; color: var(--muted); }
.frame-legend .swatch { border: 1px solid #c5ccd6; }
.episode { margin-top: 12px; }
.episode h4 { margin: 0 0 2px; font-size: 13.5px; font-weight: 600; }
ul.episode-figures { display: flex; flex-wrap: wrap; gap: 2px 18px; list-style: none; margin: 0 0 6px; padding: 0; font-size: 12.5px; color: var(--muted); }
.frames { display: flex; flex-wrap: wrap; gap: 8px; }
figure.frame { margin: 0; text-align: center; font-size: 11px; color: var(--muted); }
figure.frame figcaption { margin-top: 2px; }
figure.frame img { display: block; image-rendering: pixelated; border-radius: 3px; }
figure.frame .missing { display: flex; align-items: center; justify-content: center; border: 1px dashed #c5ccd6; border-radius: 3px; font-size: 10.5px; overflow: hidden; padding: 2px; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding: 18px 0 40px; }
footer button { font: inherit; font-size: 12px; background: var(--card); border: 1px solid #cfd4db; border-radius: 6px; padding: 3px 10px; margin: 2px 6px 2px 0; cursor: pointer; }
footer code { font-size: 12px; }
@media (max-width: 860px) { .blocks { grid-template-columns: minmax(0, 1fr); } }
@media print { body { background: #fff; } header.top { background: #fff; color: var(--ink); } nav.toc, footer button { display: none; } .card { break-inside: avoid; } }
`;
