/**
 * Question banks: the named pools an instructor keeps. One of them is selected: it is the
 * loaded pool, which the next run plays (the lobby's run at once). The rules:
 * - choosing (play) goes through the session, so it is refused mid-run like any pool load;
 * - the selected bank cannot be edited, renamed or deleted while a question is open or in
 *   review (`bank_in_play`): the run on the projector must not change under the class.
 *   In the lobby or after the end an edit of the selected bank is loaded at once, so what
 *   the console shows is what plays;
 * - the selected bank cannot be deleted (`bank_selected`): choose another one first.
 * Validating a pool is the pool module's job; this module takes pools already valid.
 */
import type { BankRefusal } from '../protocol/constants';
import type { BankList, BankSummary } from '../protocol/banks';
import { MAX_BANK_TITLE_LENGTH } from '../protocol/banks';
import type { Pool } from '../protocol/pool';
import type { Clock } from '../session/ports';
import { SELECTED_BANK_SETTING, type BankRecord, type BankSettings, type BankStore, type PoolPlayer } from './ports';

export type BankOutcome<Value> = ({ ok: true } & Value) | { ok: false; code: BankRefusal | string; message: string };

const refuse = (code: BankRefusal, message: string) => ({ ok: false, code, message }) as const;

export interface BankLibraryDeps {
  store: BankStore;
  settings: BankSettings;
  player: PoolPlayer;
  clock: Clock;
}

export function createBankLibrary({ store, settings, player, clock }: BankLibraryDeps) {
  const runInProgress = () => player.phase === 'question' || player.phase === 'review';

  function selectedBankId(): number | null {
    const stored = Number(settings.readSetting(SELECTED_BANK_SETTING));
    return Number.isSafeInteger(stored) && stored > 0 ? stored : null;
  }

  function summaryOf(bank: BankRecord): BankSummary {
    return {
      id: bank.id,
      title: bank.title,
      questions: bank.pool.questions.length,
      media: bank.media,
      source_path: bank.sourcePath,
      selected: bank.id === selectedBankId(),
      created_at_ms: bank.createdAtMs,
      updated_at_ms: bank.updatedAtMs,
    };
  }

  function find(id: number): BankOutcome<{ bank: BankRecord }> {
    const bank = Number.isSafeInteger(id) ? store.getBank(id) : null;
    return bank ? { ok: true, bank } : refuse('bank_not_found', `no question bank with id ${id}`);
  }

  /** The bank, if it may change now; else why not. */
  function findEditable(id: number): BankOutcome<{ bank: BankRecord }> {
    const found = find(id);
    if (found.ok && id === selectedBankId() && runInProgress()) {
      return refuse(
        'bank_in_play',
        `“${found.bank.title}” is being played; it can be changed in the lobby or after the end (or duplicate it and edit the copy)`,
      );
    }
    return found;
  }

  function select(bank: BankRecord): BankOutcome<{ bank: BankRecord }> {
    const loaded = player.replacePool(bank.pool);
    if (!loaded.ok) return loaded;
    settings.writeSetting(SELECTED_BANK_SETTING, String(bank.id));
    return { ok: true, bank };
  }

  /** Stores the new pool of a bank; the selected bank's is loaded at once (outside a run). */
  function replaceBankPool(id: number, pool: Pool): BankOutcome<{ bank: BankRecord }> {
    const editable = findEditable(id);
    if (!editable.ok) return editable;
    const bank = store.updateBank(id, pool, clock.now())!;
    if (id === selectedBankId()) {
      const loaded = player.replacePool(bank.pool);
      if (!loaded.ok) return loaded;
    }
    return { ok: true, bank };
  }

  return {
    summaryOf,
    list(): BankList {
      return { banks: store.listBanks().map(summaryOf), selected_bank_id: selectedBankId(), run_in_progress: runInProgress() };
    },
    get: find,
    create(pool: Pool): BankRecord {
      return store.createBank({ pool }, clock.now());
    },
    save: replaceBankPool,
    rename(id: number, title: string): BankOutcome<{ bank: BankRecord }> {
      const found = find(id);
      if (!found.ok) return found;
      return replaceBankPool(id, { ...found.bank.pool, title: title.trim() });
    },
    duplicate(id: number): BankOutcome<{ bank: BankRecord }> {
      const found = find(id);
      if (!found.ok) return found;
      const title = `${found.bank.title} (copy)`.slice(-MAX_BANK_TITLE_LENGTH);
      return { ok: true, bank: store.createBank({ pool: { ...found.bank.pool, title } }, clock.now()) };
    },
    remove(id: number): BankOutcome<object> {
      const editable = findEditable(id);
      if (!editable.ok) return editable;
      if (id === selectedBankId()) {
        return refuse('bank_selected', `“${editable.bank.title}” is the pool the next run plays; choose another bank to play first`);
      }
      store.deleteBank(id);
      return { ok: true };
    },
    play(id: number): BankOutcome<{ bank: BankRecord }> {
      const found = find(id);
      return found.ok ? select(found.bank) : found;
    },

    /**
     * At start-up: the pool the server loaded becomes a bank if no bank holds it yet. A pool
     * read from QUIZ_POOL_PATH is kept in the bank marked with that path (refreshed from the
     * file on each start) and selected; otherwise a database from before banks gets its
     * loaded pool as the first bank.
     */
    adoptStartupPool(pool: Pool, sourcePath: string | null): BankRecord {
      if (sourcePath !== null) {
        const known = store.findBankBySource(sourcePath);
        const bank = known ? store.updateBank(known.id, pool, clock.now())! : store.createBank({ pool, sourcePath }, clock.now());
        settings.writeSetting(SELECTED_BANK_SETTING, String(bank.id));
        return bank;
      }
      const selected = selectedBankId();
      const current = selected === null ? null : store.getBank(selected);
      if (current) return current;
      const bank = store.createBank({ pool }, clock.now());
      settings.writeSetting(SELECTED_BANK_SETTING, String(bank.id));
      return bank;
    },
  };
}

export type BankLibrary = ReturnType<typeof createBankLibrary>;
