// --- a page's state in the URL fragment, shared by the stepping page and the playground ------------------
// Each page writes its own `stateText()` (only what differs from the page as written) and reads a link
// with its own readState; a fragment it cannot use is refused with a StateError, said in the note (as text).
class StateError extends Error {}
function writeState() {
  const text = stateText();
  if (location.hash.replace(/^#/, "") === text) return;
  try {
    history.replaceState(null, "", text ? "#" + text : location.href.split("#")[0]);
  } catch (error) {
    // A sandboxed notebook frame has no URL of its own to keep the state in; the page works the same.
  }
}
// A text from a link, quoted and cut short for a note.
function shown(text) { return JSON.stringify(text.length > 40 ? text.slice(0, 40) + "…" : text); }
function showNote(message) {
  $("note").textContent = message || "";
  $("note").hidden = !message;
}
