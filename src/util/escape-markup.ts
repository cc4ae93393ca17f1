/** Text made safe inside HTML, SVG or XML, in content and in quoted attributes alike. */
export function escapeMarkup(text: string): string {
  return text.replace(/[<>&"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[char]!);
}
