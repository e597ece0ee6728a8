// chainrule's page: the matrix form's names (see matrix_view.js).
// --- names: the text form's scripts (autograd.explain.matrix_write.text_name writes a subscript that has no
// Unicode letter as _{net₂} or _y, a superscript as ^{…}) drawn as HTML <sub> and <sup> -------------------
// The pieces of a name: [text, "sub"|"sup"|null]; `single`: a script of one letter without braces (_y)
// counts too (a name's; a note's prose keeps a label's x_1 as written).
function scriptParts(text, single) {
  const parts = [];
  let plain = "", i = 0;
  while (i < text.length) {
    const c = text[i], kind = c === "_" ? "sub" : c === "^" ? "sup" : null;
    let end = -1;
    if (kind && text[i + 1] === "{") {
      for (let depth = 0, j = i + 1; j < text.length; j++) {
        depth += text[j] === "{" ? 1 : text[j] === "}" ? -1 : 0;
        if (depth === 0) { end = j; break; }
      }
    }
    const one = kind && single && i > 0 && /^[^\s{}()]$/u.test(text[i + 1] || "") && !/[\p{L}\p{N}]/u.test(text[i + 2] || "");
    if (end > 0 || one) {
      if (plain) parts.push([plain, null]);
      plain = "";
      parts.push(end > 0 ? [text.slice(i + 2, end), kind] : [text[i + 1], kind]);
      i = end > 0 ? end + 1 : i + 2;
    } else {
      plain += c;
      i += 1;
    }
  }
  if (plain) parts.push([plain, null]);
  return parts;
}
// The text form's Unicode scripts (matrix_write's _SUB and _SUP), set as <sub> and <sup> too, so that ∇ₕ
// and ∇_{net₂} look alike.
const SUBSCRIPTS = new Map(Array.from("₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₍₎₊₋", (c, i) => [c, "0123456789aehijklmnoprstuvx()+−"[i]]));
const SUPERSCRIPTS = new Map(Array.from("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾ⁱʲᵏˡⁿ⁺⁻", (c, i) => [c, "0123456789()ijkln+−"[i]]));
function appendScripts(parent, text) {
  let run = "", kind = null;
  const flush = () => {
    if (run) parent.append(kind ? el(kind, "", run) : run);
    run = "";
  };
  for (const c of text) {
    const k = SUBSCRIPTS.has(c) ? "sub" : SUPERSCRIPTS.has(c) ? "sup" : null;
    if (k !== kind) flush();
    kind = k;
    run += k === "sub" ? SUBSCRIPTS.get(c) : k === "sup" ? SUPERSCRIPTS.get(c) : c;
  }
  flush();
}
// A name as elements (text only: labels are data, never markup).
function richName(text, single = true) {
  const span = el("span");
  for (const [part, kind] of scriptParts(text, single)) {
    if (!kind) appendScripts(span, part);
    else {
      const script = el(kind);
      script.append(...richName(part, single).childNodes);
      span.append(script);
    }
  }
  return span;
}
// A name as a screen reader says it: ∇_{W₂} f → ∇W₂ f.
function plainName(text) {
  return scriptParts(text, true).map(([part, kind]) => (kind === "sup" ? "^" : "") + (kind ? plainName(part) : part)).join("");
}
