// The escrow page (/speak-up/escrow, docs/escrow.md): choose a person from the whole directory (loaded once, so no
// search leaves the browser), blind their directory id through the key holder, derive, share and seal the report
// to the reviewers, and upload only (π, c, t) with the hash of a withdrawal code shown once. Without this script
// the page keeps its "escrow needs JavaScript" message and the form stays hidden.

import { createEntry, oprf } from "./escrow.js";

const form = document.querySelector("[data-escrow-form]");
const noJs = document.querySelector("[data-escrow-nojs]");

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// 15 random bytes as 24 base32 characters, shown in groups of four.
const withdrawalCode = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  let bits = 0, value = 0, out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
};

const sha256Hex = async (text) => Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
  (b) => b.toString(16).padStart(2, "0")).join("");

const getJson = async (url) => {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`The server refused the request (${response.status}).`);
  return response.json();
};

if (form && window.crypto?.subtle && typeof BigInt === "function") {
  noJs.hidden = true;
  form.hidden = false;

  const search = form.querySelector("#escrow-search");
  const select = form.querySelector("#escrow-person");
  const status = form.querySelector("[data-escrow-status]");
  const error = form.querySelector("[data-escrow-error]");
  const token = form.querySelector('input[name="__RequestVerificationToken"]').value;
  let people = [];

  const show = () => {
    const term = search.value.trim().toLowerCase();
    const chosen = select.value;
    select.replaceChildren(...people
      .filter((p) => !term || p.name.toLowerCase().includes(term))
      .slice(0, 200)
      .map((p) => new Option(p.department ? `${p.name} (${p.department})` : p.name, p.id, false, p.id === chosen)));
  };

  getJson("/api/v1/escrow/directory").then((list) => { people = list; show(); })
    .catch((e) => { error.textContent = e.message; error.hidden = false; });
  search.addEventListener("input", show);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const personId = select.value;
      if (!personId) throw new Error(form.dataset.msgChoose);
      const threshold = Number(form.querySelector("#escrow-threshold").value);
      const value = (id) => form.querySelector(id).value.trim() || null;
      const account = {
        whatHappened: value("#escrow-what"), when: value("#escrow-when"), where: value("#escrow-where"),
        impact: value("#escrow-impact"), outcome: value("#escrow-outcome"),
      };
      if (!account.whatHappened) throw new Error(form.dataset.msgWhat);
      status.textContent = form.dataset.msgLocking;
      const organisationId = form.dataset.organisation;
      const reporterId = form.dataset.reporter;
      const { publicKey } = await getJson("/api/v1/escrow/reviewers-key");
      const oprfOutput = await oprf(organisationId, personId, { token });
      const payload = JSON.stringify({ v: 1, reporter: reporterId, attestation: form.dataset.attestation, named: personId, account });
      const entry = await createEntry({ oprfOutput, organisationId, reporterId, threshold, payload, reviewersPublicKey: publicKey });
      const code = withdrawalCode();
      const response = await fetch("/api/v1/escrow/entries", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", RequestVerificationToken: token },
        body: JSON.stringify({ ...entry, withdrawal: await sha256Hex(code) }),
      });
      if (response.status === 429) throw new Error(form.dataset.msgLimit);
      if (!response.ok) throw new Error(`${form.dataset.msgRefused} (${response.status})`);
      // The answer is always "held": groups are judged at set times, never inside an upload.
      await response.json();
      status.textContent = "";
      form.hidden = true;
      form.reset();
      const done = document.querySelector("[data-escrow-done]");
      done.querySelector("[data-escrow-code]").value = code.match(/.{1,4}/g).join("-");
      done.hidden = false;
      done.querySelector("h2").focus?.();
    } catch (e) {
      status.textContent = "";
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
}
