/**
 * The script that draws the figures in the browser: it reads the figure options from the page's JSON,
 * puts back the named functions (`"@fn:name"` strings; options travel as JSON), and draws every chart
 * with ECharts' SVG renderer. A figure that fails shows its error in place and logs it.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var fixed = function (v, d) { return v === null || v === undefined || !isFinite(v) ? '—' : Number(v).toFixed(d); };
  var fns = {
    histogramBin: function (params, api) {
      var a = api.coord([api.value(0), api.value(2)]);
      var b = api.coord([api.value(1), 0]);
      var gap = Math.min(1, (b[0] - a[0]) * 0.1);
      return { type: 'rect', shape: { x: a[0] + gap / 2, y: a[1], width: Math.max(0.5, b[0] - a[0] - gap), height: b[1] - a[1] }, style: api.style() };
    },
    histogramTooltip: function (p) { return p.value[2] + ' shuffle' + (p.value[2] === 1 ? '' : 's') + ' with n-cut ' + fixed(p.value[0], 3) + '–' + fixed(p.value[1], 3); },
    shortNumber: function (v) { return String(Number(Number(v).toPrecision(4))); },
    dataTip: function (p) { return (p.data && p.data.tip) || p.name; },
    segmentLabel: function (p) { return p.data && p.data.units !== undefined && p.value >= 0.06 ? String(p.data.units) : ''; },
    dropLabel: function (p) { var v = p.value[2]; return v === null || Math.abs(v) < 0.5 ? '' : String(Math.round(v)); },
    threeDecimals: function (v) { return fixed(v, 3); },
    percent: function (v) { return v === null || v === undefined ? '—' : fixed(100 * v, 1) + '%'; },
    percentAxis: function (v) { return (Math.round(100 * v) + '%').replace(/^-/, '\u2212'); },
    // a share axis starts at 0 unless a value is below it (an attack success under zero), then at the tenth below
    shareMin: function (extent) { return Math.min(0, Math.floor(extent.min * 10) / 10); }
  };
  function revive(value) {
    if (typeof value === 'string' && value.indexOf('@fn:') === 0) {
      var f = fns[value.slice(4)];
      if (!f) throw new Error('unknown figure function ' + value);
      return f;
    }
    if (Array.isArray(value)) return value.map(revive);
    if (value && typeof value === 'object') {
      var out = {};
      for (var k in value) out[k] = revive(value[k]);
      return out;
    }
    return value;
  }
  var charts = [];
  var figures = JSON.parse(document.getElementById('modscope-figures').textContent);
  figures.forEach(function (f) {
    var el = document.getElementById(f.id);
    try {
      var chart = echarts.init(el, null, { renderer: 'svg' });
      chart.setOption(revive(f.option));
      charts.push(chart);
      el.setAttribute('data-rendered', 'true');
    } catch (error) {
      el.textContent = 'This figure could not be drawn: ' + error.message;
      el.className += ' failed';
      console.error('modscope report: figure ' + f.id + ': ' + error.message);
    }
  });
  var pending;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  });
  var data = JSON.parse(document.getElementById('modscope-results').textContent);
  Array.prototype.forEach.call(document.querySelectorAll('[data-download]'), function (button) {
    button.addEventListener('click', function () {
      var i = Number(button.getAttribute('data-download'));
      var blob = new Blob([JSON.stringify(data.results[i], null, 2) + '\n'], { type: 'application/json' });
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = (data.sources[i] || 'result-' + (i + 1) + '.json').split(/[\\/]/).pop();
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    });
  });
  document.documentElement.setAttribute('data-report-ready', 'true');
})();`;
