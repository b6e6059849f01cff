// "Copy" buttons for one-time secrets and links. Without JavaScript the field is still there to select and copy.
for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.querySelector(button.dataset.copy);
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      const done = button.parentElement?.querySelector("[data-copy-done]");
      if (done) done.hidden = false;
    } catch {
      // The field stays selected, so the person can copy it with the keyboard.
    }
  });
}
