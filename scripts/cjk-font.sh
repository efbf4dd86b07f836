#!/usr/bin/env bash
# `npm run font:cjk`: regenerates apps/gateway/src/dashboard/fonts/seckill-cjk.woff2, the subset of Noto Sans
# CJK SC Bold (SIL Open Font License 1.1, fonts/OFL.txt) holding only the CJK characters of dashboard.html,
# so that its title 秒杀 renders on a machine without CJK fonts. Run it after adding CJK text to the page.
# Debian's fonts-noto-cjk package is downloaded (not installed) and fontTools' pyftsubset, from PyPI, runs in
# a virtual environment under .local/tools: the machine's own fonts and Python packages stay as they are.
set -euo pipefail
LOG_NAME=cjk-font
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

PAGE=apps/gateway/src/dashboard/dashboard.html
OUT=apps/gateway/src/dashboard/fonts/seckill-cjk.woff2
WORK="$ROOT/.local/tools/cjk-font"
VENV="$WORK/venv"
FONT="$WORK/deb/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SC=2 # the collection's faces: JP, KR, SC, TC, HK, then the monospaced ones

mkdir -p "$WORK"
if [ ! -x "$VENV/bin/pyftsubset" ]; then
  say "installing fontTools (with its WOFF2 compressor) into ${VENV#"$ROOT"/}"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'fonttools[woff]==4.*' || die "could not install fonttools from PyPI"
fi
if [ ! -f "$FONT" ]; then
  command -v apt-get >/dev/null || die "no apt-get here: put Noto Sans CJK's Bold collection at $FONT"
  say "downloading Debian's fonts-noto-cjk (about 60 MB, once)"
  (cd "$WORK" && rm -f fonts-noto-cjk_*.deb && apt-get download -qq fonts-noto-cjk 2>/dev/null &&
    dpkg-deb -x fonts-noto-cjk_*.deb deb && rm -f fonts-noto-cjk_*.deb) || die "could not fetch fonts-noto-cjk"
fi

# Every character of the page in the CJK blocks (symbols and punctuation, ideographs, full-width forms).
text=$("$VENV/bin/python" -c '
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
print("".join(sorted(set(re.findall("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]", page)))), end="")
' "$PAGE")
[ -n "$text" ] || die "$PAGE has no CJK text: nothing to subset"
"$VENV/bin/pyftsubset" "$FONT" --font-number=$SC --text="$text" --flavor=woff2 --output-file="$OUT" \
  --layout-features='' --no-hinting --desubroutinize --name-IDs='*'
say "$OUT: $text ($(wc -c <"$OUT") bytes)"
