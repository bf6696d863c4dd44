/**
 * The bank library's rules, against an in-memory store and a fake session: which bank
 * plays, what may change mid-run, what the start-up pool becomes.
 */
import { describe, expect, test } from 'bun:test';
import { createBankLibrary } from '../../../src/banks/bank-library';
import { SELECTED_BANK_SETTING, type PoolPlayer } from '../../../src/banks/ports';
import type { PhaseName } from '../../../src/protocol/constants';
import type { Pool } from '../../../src/protocol/pool';
import { createFakeBankStore } from '../../helpers/fake-bank-store';
import { FakeTime } from '../../helpers/fake-time';
import { makePool } from '../../helpers/test-server';

function world(phase: PhaseName = 'lobby') {
  const store = createFakeBankStore();
  const settings = new Map<string, string>();
  const loaded: Pool[] = [];
  const player: PoolPlayer & { phase: PhaseName } = {
    phase,
    replacePool(pool) {
      if (this.phase === 'question' || this.phase === 'review') return { ok: false, code: 'wrong_phase', message: 'not now' };
      loaded.push(pool);
      return { ok: true };
    },
  };
  const time = new FakeTime();
  const library = createBankLibrary({
    store,
    settings: { readSetting: (key) => settings.get(key) ?? null, writeSetting: (key, value) => void settings.set(key, value) },
    player,
    clock: time,
  });
  return { store, settings, loaded, player, time, library };
}

describe('start-up', () => {
  test('an empty library adopts the loaded pool as its first bank, selected', () => {
    const { library, settings } = world();
    const bank = library.adoptStartupPool(makePool(2), null);
    expect(library.list()).toMatchObject({ selected_bank_id: bank.id, banks: [{ id: bank.id, selected: true, source_path: null }] });
    expect(settings.get(SELECTED_BANK_SETTING)).toBe(String(bank.id));
  });

  test('a library with a selected bank keeps it (no bank is added per start)', () => {
    const { library } = world();
    const first = library.adoptStartupPool(makePool(2), null);
    expect(library.adoptStartupPool(makePool(2), null).id).toBe(first.id);
    expect(library.list().banks).toHaveLength(1);
  });

  test('QUIZ_POOL_PATH: one bank per path, refreshed from the file and selected on every start', () => {
    const { library, time } = world();
    const other = library.create(makePool(1));
    const first = library.adoptStartupPool(makePool(2), '/pools/week5.json');
    library.play(other.id);
    time.advance(1000);
    const again = library.adoptStartupPool(makePool(3), '/pools/week5.json');
    expect(again.id).toBe(first.id);
    expect(again.pool.questions).toHaveLength(3);
    expect(again.updatedAtMs).toBe(first.createdAtMs + 1000);
    expect(library.list().selected_bank_id).toBe(first.id);
  });
});

describe('changes', () => {
  test('saving the selected bank in the lobby loads it; another bank is only stored', () => {
    const { library, loaded } = world();
    const selected = library.adoptStartupPool(makePool(2), null);
    const other = library.create(makePool(1));
    library.save(other.id, makePool(4));
    expect(loaded).toHaveLength(0);
    library.save(selected.id, { ...makePool(3), title: 'Edited' });
    expect(loaded.map((pool) => pool.title)).toEqual(['Edited']);
  });

  test('mid-run the selected bank refuses edits, renames and deletion; other banks do not', () => {
    const { library, player, loaded } = world();
    const selected = library.adoptStartupPool(makePool(2), null);
    const other = library.create(makePool(1));
    player.phase = 'review';
    for (const outcome of [library.save(selected.id, makePool(1)), library.rename(selected.id, 'x'), library.remove(selected.id)]) {
      expect(outcome).toMatchObject({ ok: false, code: 'bank_in_play' });
    }
    expect(library.rename(other.id, 'Renamed')).toMatchObject({ ok: true, bank: { title: 'Renamed' } });
    expect(library.play(other.id)).toMatchObject({ ok: false, code: 'wrong_phase' });
    expect(library.list()).toMatchObject({ selected_bank_id: selected.id, run_in_progress: true });
    expect(loaded).toHaveLength(0);
  });

  test('after the end the selected bank can be edited again, but not deleted while selected', () => {
    const { library, player } = world();
    const selected = library.adoptStartupPool(makePool(2), null);
    player.phase = 'ended';
    expect(library.save(selected.id, makePool(1)).ok).toBe(true);
    expect(library.remove(selected.id)).toMatchObject({ ok: false, code: 'bank_selected' });
  });

  test('duplicate copies the questions under "(copy)", never longer than a title may be', () => {
    const { library } = world();
    const long = library.create({ ...makePool(1), title: 'x'.repeat(200) });
    const copy = library.duplicate(long.id);
    expect(copy.ok && copy.bank.title.length).toBe(200);
    expect(copy.ok && copy.bank.title.endsWith('(copy)')).toBe(true);
    expect(copy.ok && copy.bank.pool.questions).toEqual(long.pool.questions);
  });

  test('an unknown or malformed id is bank_not_found everywhere', () => {
    const { library } = world();
    for (const id of [42, 1.5, Number.NaN]) {
      for (const outcome of [library.get(id), library.save(id, makePool(1)), library.rename(id, 'x'), library.duplicate(id), library.remove(id), library.play(id)]) {
        expect(outcome).toMatchObject({ ok: false, code: 'bank_not_found' });
      }
    }
  });
});
