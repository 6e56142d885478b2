// Drives Debian's firefox-esr over WebDriver BiDi (puppeteer-core) for the Python browser tests.
// One JSON command per stdin line, one JSON answer per stdout line:
//   {"op": "open", "url": U}                 -> {"page": N}
//   {"op": "evaluate", "page": N, "fn": F, "arg": A}  -> {"result": R}  (F: a JS function source)
//   {"op": "close", "page": N}               -> {}
// The browser closes when stdin ends. Errors answer {"error": message}.
import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const [executablePath, profile] = process.argv.slice(2);
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath,
  headless: true,
  protocol: "webDriverBiDi",
  userDataDir: profile,
  extraPrefsFirefox: {
    // The Fetch standard's rule that a literal "*" never covers Authorization (default: true).
    "network.cors_preflight.authorization_covered_by_wildcard": false,
    // Cookies between 127.0.0.1 and localhost are third-party; allow them in this profile.
    "network.cookie.cookieBehavior": 0,
  },
});
const pages = new Map();
let next = 1;

async function handle(command) {
  switch (command.op) {
    case "open": {
      const page = await browser.newPage();
      page.setDefaultTimeout(15000);
      await page.goto(command.url);
      pages.set(next, page);
      return { page: next++ };
    }
    case "evaluate": {
      const call = `(${command.fn})(${JSON.stringify(command.arg ?? null)})`;
      return { result: await pages.get(command.page).evaluate(call) };
    }
    case "close":
      await pages.get(command.page)?.close();
      pages.delete(command.page);
      return {};
    default:
      throw new Error(`unknown op ${command.op}`);
  }
}

console.log(JSON.stringify({ ready: (await browser.version()) }));
for await (const line of createInterface({ input: process.stdin })) {
  let answer;
  try {
    answer = await handle(JSON.parse(line));
  } catch (error) {
    answer = { error: String(error) };
  }
  console.log(JSON.stringify(answer ?? {}));
}
await browser.close();
