// The join code as the projector and the console show it: the 4 digits and a countdown to
// the change. When the countdown runs out the next code is fetched from
// GET /admin/api/join-code (small, unlike the admin snapshot). `show(null)` hides it.

const TICK_MS = 250;

/**
 * `{ code, changes_in_ms }` from a body carrying `join_code` and `join_code_changes_in_ms`
 * (the admin snapshot, GET /admin/api/join-code), or null while the code is off.
 */
export function joinCodeOf(body) {
  return body.join_code ? { code: body.join_code, changes_in_ms: body.join_code_changes_in_ms ?? 0 } : null;
}

/**
 * `box` is shown while the code is on; `codeNode` gets the digits, `countdownNode` the
 * seconds until the change.
 */
export function createJoinCodeDisplay(box, codeNode, countdownNode) {
  let changesAt = null;
  let timer = null;
  let fetching = false;

  function show(joinCode, now = performance.now()) {
    clearInterval(timer);
    timer = null;
    box.hidden = !joinCode;
    if (!joinCode) {
      changesAt = null;
      return;
    }
    codeNode.textContent = joinCode.code;
    changesAt = now + joinCode.changes_in_ms;
    tick();
    timer = setInterval(tick, TICK_MS);
  }

  function tick() {
    if (changesAt === null) return;
    const leftMs = changesAt - performance.now();
    countdownNode.textContent = `changes in ${Math.max(0, Math.ceil(leftMs / 1000))} s`;
    if (leftMs <= 0 && !fetching) void refresh();
  }

  async function refresh() {
    fetching = true;
    try {
      const response = await fetch('/admin/api/join-code', { cache: 'no-store' });
      if (response.ok) show(joinCodeOf(await response.json()));
    } catch {
      // offline: the next tick tries again
    } finally {
      fetching = false;
    }
  }

  return { show, refresh };
}
