/**
 * Question banks on the wire: what `GET /admin/api/banks` lists, what a bank's page holds
 * (its pool as an editable pool file) and the bodies of the bank routes. The bank's pool
 * file names its images by their media URLs (`/media/<sha256>.<ext>`), which is how the
 * editor saves them back.
 */
import { Type as t, type Static } from '@sinclair/typebox';
import { PoolInputSchema } from './pool';

export const BankSummarySchema = t.Object({
  id: t.Integer(),
  title: t.String(),
  questions: t.Integer(),
  /** The media URLs its questions name. */
  media: t.Array(t.String()),
  /** The QUIZ_POOL_PATH it was read from at start-up, or null for a bank made in the console. */
  source_path: t.Union([t.String(), t.Null()]),
  /** True for the bank the next run plays (the loaded pool). */
  selected: t.Boolean(),
  created_at_ms: t.Integer(),
  updated_at_ms: t.Integer(),
});
export type BankSummary = Static<typeof BankSummarySchema>;

export const BankListSchema = t.Object({
  banks: t.Array(BankSummarySchema),
  selected_bank_id: t.Union([t.Integer(), t.Null()]),
  /** True while a question is open or in review: the selected bank cannot change then. */
  run_in_progress: t.Boolean(),
});
export type BankList = Static<typeof BankListSchema>;

export const BankDetailSchema = t.Composite([BankSummarySchema, t.Object({ pool: PoolInputSchema })]);
export type BankDetail = Static<typeof BankDetailSchema>;

/** `POST /admin/api/banks`: the banks a file made (one for pool JSON or a .zip). */
export const NewBanksSchema = t.Object({ banks: t.Array(BankDetailSchema, { minItems: 1 }) });
export type NewBanks = Static<typeof NewBanksSchema>;

export const MAX_BANK_TITLE_LENGTH = 200;

export const RenameBankBody = t.Object({ title: t.String({ minLength: 1, maxLength: MAX_BANK_TITLE_LENGTH, pattern: '\\S' }) });

export const BANK_DOWNLOAD_FORMATS = ['json', 'zip'] as const;
export type BankDownloadFormat = (typeof BANK_DOWNLOAD_FORMATS)[number];
