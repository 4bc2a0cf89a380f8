#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright (no browser download). Install it
# (and the CJK font pages and PDFs need) when we are root; otherwise say exactly what is missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "== installing ${missing[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "浏览器测试需要 Debian 软件包：${missing[*]}。请运行：sudo apt-get install ${missing[*]}"
  echo "Browser tests need Debian packages: ${missing[*]}. Run: sudo apt-get install ${missing[*]}"
  exit 1
fi
