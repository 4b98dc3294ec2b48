/** A tiny in-memory document store with a keyword retriever. */
export interface Doc {
  id: string;
  content: string;
}

export const DOCS: Doc[] = [
  { id: "paris-1", content: "Paris museums are free on the first Sunday of each month." },
  { id: "paris-2", content: "The Paris metro runs until about 12:40 am on weekdays." },
  { id: "tokyo-1", content: "Tokyo's Suica card works on trains, buses and in convenience stores." },
  { id: "tokyo-2", content: "Tipping is not customary in Tokyo restaurants." },
  { id: "lisbon-1", content: "Lisbon's tram 28 passes most historic neighbourhoods." },
  { id: "reykjavik-1", content: "In Reykjavik, tap water is safe and excellent to drink." },
  { id: "nairobi-1", content: "Nairobi National Park is a 20-minute drive from the city centre." },
  { id: "visa-1", content: "EU citizens need no visa for stays under 90 days in Schengen countries." },
  { id: "pack-1", content: "Pack layers: weather can change quickly in spring." },
];

export function retrieve(query: string, k = 3): Array<Doc & { score: number }> {
  const words = query.toLowerCase().split(/\W+/).filter((w) => w.length > 3);
  return DOCS.map((d) => ({ ...d, score: words.filter((w) => d.content.toLowerCase().includes(w)).length / Math.max(1, words.length) }))
    .filter((d) => d.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
