/**
 * `/admin/api/banks…`: the instructor's question banks. Thin: each route checks its input,
 * calls the bank library (banks/bank-library.ts) or the pool module, and maps refusals to
 * HTTP. Instructor-only like the other /admin/api routes (the same cookie), and every
 * request that changes something must come from our own origin.
 */
import { Elysia, t } from 'elysia';
import type { BankLibrary, BankOutcome } from '../banks/bank-library';
import type { BankRecord } from '../banks/ports';
import { AppError } from '../errors';
import { readJarValue } from '../identity/cookies';
import { assertAllowedOrigin } from '../identity/request-origin';
import { bankArchive, importBankUpload, parseBankPoolText, storeUploadedImage } from '../pool/bank-media';
import { poolToInput } from '../pool/pool-input';
import type { PoolValidation } from '../pool/pool';
import { BANK_DOWNLOAD_FORMATS, RenameBankBody, type BankDetail } from '../protocol/banks';
import type { BankRefusal } from '../protocol/constants';
import type { AppDeps } from './deps';

const STATUS_OF_REFUSAL: Record<BankRefusal, number> = { bank_not_found: 404, bank_in_play: 409, bank_selected: 409 };

/** The outcome's value, or its refusal as an AppError (a session refusal is a 409). */
function unwrapBank<Value extends object>(outcome: BankOutcome<Value>): Value {
  if (outcome.ok) return outcome;
  throw new AppError(STATUS_OF_REFUSAL[outcome.code as BankRefusal] ?? 409, outcome.code, outcome.message);
}

function validPool(validation: PoolValidation) {
  if (validation.ok) return validation.pool;
  throw new AppError(400, 'invalid_pool', 'the pool was refused; nothing was changed', { details: validation.details });
}

/** An ASCII file name for a bank's download: its title, slugged. */
function fileNameOf(title: string, ext: string): string {
  const slug = title.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase().slice(0, 60);
  return `${slug || 'bank'}.${ext}`;
}

const IdParams = t.Object({ id: t.Numeric() });

export function bankRoutes(deps: AppDeps & { banks: BankLibrary }) {
  const { banks, media, config, instructor } = deps;
  const detailOf = (bank: BankRecord): BankDetail => ({ ...banks.summaryOf(bank), pool: poolToInput(bank.pool) });
  const bytesOf = (body: unknown) => new Uint8Array(body as ArrayBuffer);

  return new Elysia({ name: 'bank-routes' })
    .onBeforeHandle(({ request }) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') assertAllowedOrigin(request, config);
    })
    .resolve(({ cookie }) => ({
      signIn: instructor.assertInstructor(readJarValue(cookie, deps.cookieNames.acceptedNames('admin'))),
    }))
    .get('/admin/api/banks', () => banks.list())
    .post(
      '/admin/api/banks',
      async ({ body, query, set }) => {
        // Any format the pool importer reads; `?filename=` may name it (a .zip is known by its bytes).
        const imported = await importBankUpload({ name: query.filename ?? '', bytes: bytesOf(body) }, media);
        if (!imported.ok) throw new AppError(400, 'invalid_pool', 'the file was refused; nothing was changed', { details: imported.details });
        set.status = 201;
        return { banks: imported.pools.map((pool) => detailOf(banks.create(pool))) };
      },
      { parse: 'arrayBuffer', query: t.Object({ filename: t.Optional(t.String({ maxLength: 500 })) }) },
    )
    .post(
      '/admin/api/banks/images',
      ({ body, set }) => {
        const stored = storeUploadedImage(bytesOf(body), media);
        if (!stored.ok) throw new AppError(400, 'invalid_image', 'the image was refused', { details: stored.details });
        set.status = 201;
        return { url: stored.url };
      },
      { parse: 'arrayBuffer' },
    )
    .get('/admin/api/banks/:id', ({ params }) => detailOf(unwrapBank(banks.get(params.id)).bank), { params: IdParams })
    .put(
      '/admin/api/banks/:id',
      ({ params, body }) => {
        unwrapBank(banks.get(params.id));
        const pool = validPool(parseBankPoolText(new TextDecoder().decode(bytesOf(body)), media));
        return detailOf(unwrapBank(banks.save(params.id, pool)).bank);
      },
      { params: IdParams, parse: 'arrayBuffer' },
    )
    .post('/admin/api/banks/:id/rename', ({ params, body }) => detailOf(unwrapBank(banks.rename(params.id, body.title)).bank), {
      params: IdParams,
      body: RenameBankBody,
    })
    .post(
      '/admin/api/banks/:id/duplicate',
      ({ params, set }) => {
        const copy = unwrapBank(banks.duplicate(params.id)).bank;
        set.status = 201;
        return detailOf(copy);
      },
      { params: IdParams },
    )
    .post('/admin/api/banks/:id/play', ({ params }) => detailOf(unwrapBank(banks.play(params.id)).bank), { params: IdParams })
    .delete(
      '/admin/api/banks/:id',
      ({ params }) => {
        unwrapBank(banks.remove(params.id));
        return { ok: true, deleted: params.id };
      },
      { params: IdParams },
    )
    .get(
      '/admin/api/banks/:id/download',
      ({ params, query }) => {
        const bank = unwrapBank(banks.get(params.id)).bank;
        const format = query.format ?? 'json';
        const input = poolToInput(bank.pool);
        const zip = format === 'zip';
        const body = zip ? bankArchive(input, media) : `${JSON.stringify(input, null, 2)}\n`;
        return new Response(body as BodyInit, {
          headers: {
            'content-type': zip ? 'application/zip' : 'application/json; charset=utf-8',
            'content-disposition': `attachment; filename="${fileNameOf(bank.title, format)}"`,
          },
        });
      },
      { params: IdParams, query: t.Object({ format: t.Optional(t.UnionEnum([...BANK_DOWNLOAD_FORMATS])) }) },
    );
}
