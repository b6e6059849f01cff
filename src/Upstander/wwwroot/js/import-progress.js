// Keeps the import progress page up to date without reloading it: a reload on a timer would send a screen
// reader back to the top and take keyboard focus every few seconds. Every two seconds this asks for the same
// page, copies the new numbers into the progress bar and its status line, and when the import has finished
// puts the result in place of the progress. Without JavaScript the page's "Check progress" link does the same.

const progress = document.querySelector("[data-import-progress]");
const main = document.querySelector("main");
const interval = 2000;

const update = async () => {
  let response;
  try {
    response = await fetch(location.href, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } });
  } catch {
    // A dropped connection: try again at the next tick.
    setTimeout(update, interval);
    return;
  }
  if (response.redirected || response.status === 403 || response.status === 404) {
    // Signed out, or the import is no longer known: leave the page as it is; the link still works.
    return;
  }
  if (!response.ok) {
    // A busy or briefly failing server: the import carries on regardless, so ask again at the next tick.
    setTimeout(update, interval);
    return;
  }
  let next;
  try {
    next = new DOMParser().parseFromString(await response.text(), "text/html");
  } catch {
    setTimeout(update, interval);
    return;
  }
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
    setTimeout(update, interval);
    return;
  }
  const result = next.querySelector("main");
  if (!result) return;
  // Finished: the result replaces the progress, and focus moves to it so it is read out.
  main.replaceChildren(...result.childNodes);
  document.title = next.title;
  main.focus();
};

if (progress && main) setTimeout(update, interval);
