#!/usr/bin/env bash
# Copy the pinned npm packages' built files into the (git-ignored) static vendor folder.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/tuoyu/static/vendor
rm -rf "$dest" && mkdir -p "$dest/bootstrap" "$dest/echarts"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/bootstrap/LICENSE "$dest/bootstrap/LICENSE"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
cp node_modules/echarts/LICENSE "$dest/echarts/LICENSE"
