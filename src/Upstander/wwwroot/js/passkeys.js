// Passkeys (WebAuthn) for the sign-in page, the account page, confirming it is you, and invitation acceptance.
// Pages work without this file; it only reveals the passkey buttons where the browser supports them.
// Wiring is by data- attributes only: the CSP allows no inline script.

const supported = () =>
  typeof window.PublicKeyCredential === "function" &&
  typeof navigator.credentials?.create === "function" &&
  typeof navigator.credentials?.get === "function";

const toBytes = (base64url) => {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

const toBase64url = (buffer) => {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const creationOptions = (json) => {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: toBytes(json.challenge),
    user: { ...json.user, id: toBytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials ?? []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
};

const requestOptions = (json) => {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: toBytes(json.challenge),
    allowCredentials: (json.allowCredentials ?? []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
};

const credentialJson = (credential) => {
  if (typeof credential.toJSON === "function") {
    return credential.toJSON();
  }
  const r = credential.response;
  const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject);
    response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
  }
  if (r.authenticatorData) {
    response.authenticatorData = toBase64url(r.authenticatorData);
    response.signature = toBase64url(r.signature);
    if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
    response,
  };
};

const antiforgeryToken = () =>
  document.querySelector('input[name="__RequestVerificationToken"]')?.value ?? "";

const post = async (url, body) => {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      RequestVerificationToken: antiforgeryToken(),
    },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const error = new Error(data.title ?? String(response.status));
    error.fromServer = true;
    error.status = response.status;
    error.detail = data.detail;
    throw error;
  }
  return data;
};

const say = (message) => {
  const status = document.querySelector("[data-passkey-status]");
  if (!status) return;
  status.textContent = message;
  status.hidden = !message;
};

// Messages come from the page (data-cancelled, data-exists, data-refused, data-failed on the status element), so they are localized.
// The browser's own cancellation (the person closed the prompt) needs no alarming message. `told` lists the answers whose
// reason (localized on the server) is for the person at this button: shown as it is, rather than "try again".
const explain = (error, told) => {
  const texts = document.querySelector("[data-passkey-status]")?.dataset ?? {};
  if (error?.name === "NotAllowedError" || error?.name === "AbortError") return texts.cancelled ?? "";
  // The authenticator already holds a passkey for this account (WebAuthn's excludeCredentials at work).
  if (error?.name === "InvalidStateError") return texts.exists ?? texts.failed ?? "";
  // Sign-in answers 403 only once the passkey has proved whose account it is and that account is deactivated or locked. The
  // server's reason (localized there) is for that person alone, as for the right password, so the page does not carry it.
  // Adding a passkey answers 403 when the sign-in is not recent enough, with what to do (localized there too).
  // An invitation answers 404, 409 or 410 when its link cannot make an account, with why: what its page says when opened.
  if (error?.fromServer && told.includes(error.status) && error.detail) return error.detail;
  return (error?.fromServer ? texts.refused : texts.failed) ?? "";
};

const busy = async (button, work, told = [403]) => {
  button.disabled = true;
  say("");
  try {
    await work();
  } catch (error) {
    say(explain(error, told));
  } finally {
    button.disabled = false;
  }
};

// Signing in, or (with data-passkey-options and data-passkey-url) confirming it is you in a session already signed in.
const signIn = (block) => {
  const button = block.querySelector("[data-passkey-sign-in-button]");
  const optionsUrl = block.dataset.passkeyOptions ?? "/account/passkeys/request-options";
  const url = block.dataset.passkeyUrl ?? "/account/passkeys/sign-in";
  button?.addEventListener("click", () =>
    busy(button, async () => {
      const options = await post(optionsUrl);
      const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
      const returnUrl = document.querySelector('input[name="ReturnUrl"]')?.value || "/";
      const next = await post(url, { credential: credentialJson(credential), returnUrl });
      window.location.assign(next.redirect);
    }),
  );
};

const add = (block) => {
  const button = block.querySelector("[data-passkey-add-button]");
  const name = block.querySelector("[data-passkey-add-name]");
  button?.addEventListener("click", () =>
    busy(button, async () => {
      const options = await post("/account/passkeys/creation-options");
      const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
      await post("/account/passkeys", { name: name?.value ?? "", credential: credentialJson(credential) });
      window.location.reload();
    }),
  );
};

const acceptInvitation = (block) => {
  const button = block.querySelector("[data-passkey-invitation-button]");
  const token = block.dataset.token;
  button?.addEventListener("click", () =>
    busy(button, async () => {
      const options = await post("/account/invitation/passkey/creation-options", { token });
      const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
      const next = await post("/account/invitation/passkey", { token, credential: credentialJson(credential) });
      window.location.assign(next.redirect);
    }, [404, 409, 410]),
  );
};

if (supported()) {
  const wire = [
    ["[data-passkey-sign-in]", signIn],
    ["[data-passkey-add]", add],
    ["[data-passkey-invitation]", acceptInvitation],
  ];
  for (const [selector, setUp] of wire) {
    for (const block of document.querySelectorAll(selector)) {
      setUp(block);
      block.hidden = false;
    }
  }
  for (const note of document.querySelectorAll("[data-passkey-unavailable]")) {
    note.hidden = true;
  }
}
