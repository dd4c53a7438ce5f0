import { InvalidArgumentError, type Environment, type EnvironmentBehaviour } from '@modscope/core';

export type ActionBehaviour = Extract<EnvironmentBehaviour, { kind: 'action' }>;
export type EventBehaviour = Extract<EnvironmentBehaviour, { kind: 'event' }>;

/** A behaviour of the environment, by name. */
export interface NamedBehaviour<B extends EnvironmentBehaviour = EnvironmentBehaviour> {
  name: string;
  behaviour: B;
}

const pkg = '@modscope/agents';

/** Every behaviour the environment names, in its order. */
export function behavioursOf(environment: Environment): NamedBehaviour[] {
  return Object.entries(environment.behaviours ?? {}).map(([name, behaviour]) => ({ name, behaviour }));
}

/** `name` of `environment.behaviours`, of the kind asked for; otherwise an `InvalidArgumentError` listing the choices. */
export function behaviourNamed<K extends EnvironmentBehaviour['kind']>(
  environment: Environment,
  name: string,
  kind: K,
  what: string,
): NamedBehaviour<Extract<EnvironmentBehaviour, { kind: K }>> {
  const all = behavioursOf(environment);
  const fitting = all.filter((b) => b.behaviour.kind === kind);
  const found = all.find((b) => b.name === name);
  const list = fitting.map((b) => `${b.name} (${b.behaviour.description})`).join(', ');
  if (!found)
    throw new InvalidArgumentError({
      argument: what,
      message: `${pkg}: environment '${environment.name}' has no behaviour '${name}'${all.length ? `; it has ${all.map((b) => b.name).join(', ')}` : ' (it names none)'}.`,
      hint: fitting.length ? `Use one of: ${list}.` : `Environment '${environment.name}' names no ${kind} behaviour to use here.`,
    });
  if (found.behaviour.kind !== kind)
    throw new InvalidArgumentError({
      argument: what,
      message: `${pkg}: behaviour '${name}' of environment '${environment.name}' is ${found.behaviour.description}, ${kind === 'action' ? 'measured by playing, not a choice of the policy that states can score' : 'a choice of the policy, not a count per episode'}.`,
      hint: fitting.length ? `Use one of: ${list}.` : `Environment '${environment.name}' names no ${kind} behaviour to use here.`,
    });
  return found as NamedBehaviour<Extract<EnvironmentBehaviour, { kind: K }>>;
}

/** Indices of an action behaviour's actions. */
export function actionIndices(environment: Environment, behaviour: ActionBehaviour): number[] {
  return behaviour.actions.map((a) => environment.actions.indexOf(a));
}
