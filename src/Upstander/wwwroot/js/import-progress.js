// Keeps the import progress page up to date without reloading it: a reload on a timer would send a screen
// reader back to the top and take keyboard focus every few seconds. Every two seconds this asks for the same
// page, copies the new numbers into the progress bar and its status line, and when the import has finished
// puts the result in place of the progress. Without JavaScript the page's "Check progress" link does the same.

const progress = document.querySelector("[data-import-progress]");
const main = document.querySelector("main");
const interval = 2000;

// How long one check may take before it is given up and asked again: a request that never answers (a dropped
// connection the browser has not noticed) must not stop the page from following the import.
const patience = 10000;

// What the page has done so far, kept on the progress element (data-checks, data-last) for anyone looking into a
// page that seems stuck: how many checks were made and how the last one ended.
let checks = 0;
const noted = (outcome, again) => {
  progress.dataset.checks = String(++checks);
  progress.dataset.last = outcome;
  return again;
};

// One check: true when the page should ask again at the next tick, false when it has finished or should stop.
const check = async () => {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), patience);
  let response;
  let text;
  try {
    response = await fetch(location.href, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" }, signal: abort.signal });
    if (response.redirected || response.status === 403 || response.status === 404) {
      // Signed out, or the import is no longer known: leave the page as it is; the link still works.
      return noted(`stopped ${response.status}${response.redirected ? " redirected" : ""}`, false);
    }
    if (!response.ok) {
      // A busy or briefly failing server: the import carries on regardless, so ask again at the next tick.
      return noted(`status ${response.status}`, true);
    }
    text = await response.text();
  } catch {
    // A dropped or timed-out connection: ask again at the next tick.
    return noted(abort.signal.aborted ? "timed out" : "no answer", true);
  } finally {
    clearTimeout(timer);
  }
  const next = new DOMParser().parseFromString(text, "text/html");
  const fresh = next.querySelector("[data-import-progress]");
  if (fresh) {
    const bar = progress.querySelector("progress");
    const freshBar = fresh.querySelector("progress");
    bar.max = freshBar.max;
    bar.value = freshBar.value;
    bar.textContent = freshBar.textContent;
    const status = progress.querySelector("[data-import-status]");
    const freshStatus = fresh.querySelector("[data-import-status]").textContent;
    if (status.textContent !== freshStatus) status.textContent = freshStatus;
    return noted(`running ${freshBar.value}/${freshBar.max}`, true);
  }
  const result = next.querySelector("main");
  if (!result) return noted("no main", true);
  // Finished: the result replaces the progress, and focus moves to it so it is read out.
  main.replaceChildren(...result.childNodes);
  document.title = next.title;
  main.focus();
  return noted("finished", false);
};

const update = async () => {
  let again = true;
  try {
    again = await check();
  } catch (error) {
    // Whatever went wrong with this answer, the next one may be fine.
    noted(`error ${error?.name ?? "unknown"}`, true);
  }
  if (again) setTimeout(update, interval);
};

if (progress && main) {
  progress.dataset.checks = "0";
  setTimeout(update, interval);
}
