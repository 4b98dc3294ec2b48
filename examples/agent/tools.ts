/** Tools the agent can call. get_weather fails for unknown cities, so some traces carry errors. */
const WEATHER: Record<string, string> = {
  paris: "14°C, light rain",
  tokyo: "22°C, clear",
  lisbon: "19°C, sunny",
  reykjavik: "3°C, windy",
  nairobi: "25°C, partly cloudy",
};

export class ToolError extends Error {
  override name = "ToolError";
}

export function getWeather(args: { city: string }): string {
  const w = WEATHER[args.city.toLowerCase()];
  if (!w) throw new ToolError(`weather service has no data for "${args.city}"`);
  return w;
}
