/* replyguard agent page: a word diff of a person's reply and its revision, so the
 * agent sees exactly which words the checks cost. Plain JavaScript (no library, no
 * build step): a longest common subsequence over words, which is plenty for replies
 * of a few hundred words. Chinese and Japanese have no spaces, so each of their
 * characters counts as a word. */
(function () {
  "use strict";

  // CJK ideographs, kana, and full-width punctuation: one token per character.
  const CJK = "\\u3000-\\u303f\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef";
  const TOKEN = new RegExp("([" + CJK + "]|[^\\s" + CJK + "]+)(\\s*)", "g");
  const WORD_END = new RegExp("[^\\s" + CJK + "]$");
  const WORD_START = new RegExp("^[^\\s" + CJK + "]");

  /* The text as tokens: `word` is compared, `text` (the word and the spaces after
   * it) is what is shown, so line breaks survive. */
  function tokenize(text) {
    const tokens = [];
    const lead = text.match(/^\s*/)[0];
    if (lead) tokens.push({ word: "", text: lead });
    for (const match of text.matchAll(TOKEN)) tokens.push({ word: match[1], text: match[1] + match[2] });
    return tokens;
  }

  /* Runs of {kind: "same" | "removed" | "added", text}, in reading order; a change
   * shows its removed words before the words that replace them. */
  function wordDiff(before, after) {
    const a = tokenize(before);
    const b = tokenize(after);
    // What both ends share needs no table: most revisions touch a sentence or two.
    let start = 0;
    while (start < a.length && start < b.length && a[start].word === b[start].word) start += 1;
    let endA = a.length;
    let endB = b.length;
    while (endA > start && endB > start && a[endA - 1].word === b[endB - 1].word) {
      endA -= 1;
      endB -= 1;
    }
    const n = endA - start;
    const m = endB - start;
    const width = m + 1;
    const table = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i -= 1) {
      for (let j = m - 1; j >= 0; j -= 1) {
        table[i * width + j] = a[start + i].word === b[start + j].word
          ? table[(i + 1) * width + j + 1] + 1
          : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
      }
    }
    const runs = [];
    const push = (kind, text) => {
      const last = runs[runs.length - 1];
      if (last && last.kind === kind) {
        last.text += text;
        return;
      }
      // Shown side by side, "Bye" and a removed "Anna" would read "ByeAnna".
      if (last && WORD_END.test(last.text) && WORD_START.test(text)) text = " " + text;
      runs.push({ kind, text });
    };
    for (let k = 0; k < start; k += 1) push("same", b[k].text);
    let i = 0;
    let j = 0;
    const removed = [];
    const added = [];
    const flush = () => {
      if (removed.length) push("removed", removed.splice(0).join(""));
      if (added.length) push("added", added.splice(0).join(""));
    };
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i].word === b[start + j].word) {
        flush();
        push("same", b[start + j].text);
        i += 1;
        j += 1;
      } else if (j >= m || (i < n && table[(i + 1) * width + j] >= table[i * width + j + 1])) {
        removed.push(a[start + i].text);
        i += 1;
      } else {
        added.push(b[start + j].text);
        j += 1;
      }
    }
    flush();
    for (let k = endB; k < b.length; k += 1) push("same", b[k].text);
    return runs;
  }

  window.replyguardDiff = Object.freeze({ tokenize, wordDiff });
})();
