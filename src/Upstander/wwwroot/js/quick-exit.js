// "Leave this page quickly": goes to the neutral page the link points at, replacing this page in the history so that
// Back does not bring it up again; pressing Escape twice within a second does the same. Without JavaScript the link
// still leaves, as an ordinary link.
(() => {
  const link = document.querySelector('[data-quick-exit]');
  if (!link) {
    return;
  }
  const leave = (event) => {
    event.preventDefault();
    document.body.hidden = true;
    document.title = '';
    window.location.replace(link.href);
  };
  link.addEventListener('click', leave);
  const hint = document.querySelector('[data-quick-exit-hint]');
  if (hint) {
    hint.hidden = false;
  }
  let lastEscape = 0;
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') {
      return;
    }
    const now = Date.now();
    if (now - lastEscape < 1000) {
      leave(event);
    }
    lastEscape = now;
  });
})();
