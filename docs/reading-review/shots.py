"""Screenshots of every page kind at 320/375/1280, light/dark/no-JS."""
import functools, sys, threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from playwright.sync_api import sync_playwright
site = sys.argv[1]; out = sys.argv[2]; only = sys.argv[3].split(",") if len(sys.argv) > 3 else None
PAGES = {"home": "/", "event": "/evenements/2022-02-24-invasion-ukraine/", "actor": "/acteurs/sergei-choigou/",
 "actors": "/acteurs/", "channel": "/canaux/austin-choigou/", "source": None, "year": "/annees/2022/",
 "search": "/recherche/?q=Shoigu", "about": "/a-propos/", "404": "/404.html"}
import os, glob
ev = sorted(glob.glob(site + "/evenements/*invasion*"))
if ev: PAGES["event"] = "/evenements/" + os.path.basename(ev[0]) + "/"
src = sorted(glob.glob(site + "/sources/*/index.html"))
PAGES["source"] = "/" + os.path.relpath(src[0], site).removesuffix("index.html")
class Q(SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
srv = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Q, directory=site))
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{srv.server_address[1]}"
os.makedirs(out, exist_ok=True)
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless","--no-sandbox","--disable-gpu"])
    for mode in ("light", "dark", "nojs"):
        for w in (320, 375, 1280):
            ctx = b.new_context(viewport={"width": w, "height": 667 if w < 1000 else 900}, locale="fr-FR",
                                color_scheme="dark" if mode == "dark" else "light", java_script_enabled=mode != "nojs")
            pg = ctx.new_page()
            for name, url in PAGES.items():
                if only and name not in only: continue
                pg.goto(base + url)
                if name == "search" and mode != "nojs":
                    pg.wait_for_selector("[data-search-results] li", timeout=5000)
                pg.screenshot(path=f"{out}/{name}-{w}-{mode}.png", full_page=True)
                pg.screenshot(path=f"{out}/{name}-{w}-{mode}-first.png")
            ctx.close()
    b.close()
print(PAGES)
