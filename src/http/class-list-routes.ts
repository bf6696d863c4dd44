/**
 * The class list (roster) API, mounted inside the admin routes (behind their instructor
 * check): upload a CSV (replacing the list; `?dry_run=1` only says what it would do), list
 * it, remove it. What a list means for students already joined is answered both ways:
 * they keep the name they joined with, and stay until removed.
 */
import { AppError } from '../errors';
import type { ClassListComparison } from '../session/class-list';
import { parseClassListCsv } from '../session/class-list-csv';
import type { AppDeps } from './deps';

const DRY_RUN_VALUES = new Set(['1', 'true', 'yes']);

/** A route-adding plugin: `.use(classListRoutes(deps))` keeps the caller's guards in force. */
export function classListRoutes(deps: AppDeps) {
  const { controller } = deps;
  const upload = (bytes: Uint8Array, dryRun: boolean) => {
    const parsed = parseClassListCsv(bytes);
    if (!parsed.ok) {
      throw new AppError(400, 'invalid_class_list', 'the class list was refused; nothing was changed', { details: parsed.details });
    }
    const comparison: ClassListComparison = dryRun ? controller.previewClassList(parsed.rows) : controller.replaceClassList(parsed.rows);
    return { students: parsed.rows.length, applied: !dryRun, columns: parsed.columns, skipped: parsed.skipped, ...comparison };
  };

  return <App extends { get: Function; post: Function; delete: Function }>(app: App) =>
    app
      .get('/admin/api/roster', () => ({ students: controller.classListView() }))
      .post(
        '/admin/api/roster',
        ({ body, query }: { body: unknown; query: Record<string, string | undefined> }) =>
          upload(new Uint8Array(body as ArrayBuffer), DRY_RUN_VALUES.has(query.dry_run ?? '')),
        { parse: 'arrayBuffer' },
      )
      .delete('/admin/api/roster', () => {
        controller.replaceClassList([]);
        return { students: 0 };
      }) as App;
}
