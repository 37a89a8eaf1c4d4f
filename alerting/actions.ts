import { ACTION_SCHEMA, type Action, type ActionRef } from '../schemas/action.js';

/** An Action document; ids are always deterministic, so writing one twice is one document. */
export function makeAction(fields: Omit<Action, 'schema'>): Action {
  return { schema: ACTION_SCHEMA, ...fields };
}

export function actionRef(a: Action): ActionRef {
  return { id: a.id, type: a.type, at: a.at, status: a.status, actor: a.actor };
}

/** The incident's embedded list, keeping the newest 200 (the schema's bound) and one entry per id. */
export function withAction(refs: readonly ActionRef[], ref: ActionRef): ActionRef[] {
  return [...refs.filter((r) => r.id !== ref.id), ref].slice(-200);
}

/** `refs` with `more` added (each id once), as `withAction` does one by one. */
export function mergeRefs(refs: readonly ActionRef[], more: readonly ActionRef[]): ActionRef[] {
  return more.reduce<ActionRef[]>((all, ref) => withAction(all, ref), [...refs]);
}
