// Shows new messages in an open conversation without reloading the page. Every few seconds, while the tab is
// visible, it asks the conversation's JSON address for messages after the last one shown and adds them to the
// thread as text (never as markup). It stops for good when the server answers 403 or 404 (signed out, or no
// longer a participant) or says the conversation closed. Without JavaScript, "Check for new messages" reloads.

const thread = document.querySelector("[data-thread]");
const interval = 4000;
let after = Number(thread?.dataset.after ?? 0);
let timer = null;
let stopped = false;

const render = (message) => {
  const item = document.createElement("li");
  item.className = message.mine ? "message mine" : "message";
  item.id = `message-${message.number}`;
  const meta = document.createElement("p");
  meta.className = "message-meta";
  const author = document.createElement("strong");
  author.textContent = message.author;
  const time = document.createElement("time");
  time.dateTime = message.time;
  time.textContent = message.sentAt;
  meta.append(author, " · ", time);
  const body = document.createElement("p");
  body.className = "message-body";
  body.textContent = message.text;
  if (message.risk) {
    const risk = document.createElement("p");
    risk.className = "message-risk";
    risk.textContent = message.risk;
    item.append(risk);
  }
  item.append(meta, body);
  return item;
};

const schedule = () => {
  if (!stopped && document.visibilityState === "visible") timer = setTimeout(poll, interval);
};

const poll = async () => {
  timer = null;
  let response;
  try {
    response = await fetch(`${thread.dataset.thread}?after=${after}`, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
    });
  } catch {
    schedule();
    return;
  }
  if (response.redirected || response.status === 401 || response.status === 403 || response.status === 404) {
    stopped = true;
    return;
  }
  if (!response.ok) {
    schedule();
    return;
  }
  let data;
  try {
    data = await response.json();
  } catch {
    schedule();
    return;
  }
  for (const message of data.messages ?? []) {
    if (message.number > after && !document.getElementById(`message-${message.number}`)) {
      thread.append(render(message));
      after = message.number;
    }
  }
  if ((data.messages ?? []).length > 0) document.querySelector("[data-thread-empty]")?.remove();
  if (data.open === false) {
    stopped = true;
    return;
  }
  schedule();
};

if (thread && thread.dataset.live === "true") {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      if (!timer && !stopped) poll();
    } else if (timer) {
      clearTimeout(timer);
      timer = null;
    }
  });
  schedule();
}
