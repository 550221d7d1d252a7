#!/usr/bin/env bash
# Command 1 of the README: set up, build in Release, run the main job (Fashion-MNIST on the emulated Loihi-class
# chip with the shipped model), then the showcase simulation.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
mkdir -p out
./build/release/silicortex app image --svg out/image_report.svg
./build/release/silicortex run models/showcase.toml --out out/showcase.h5
./build/release/silicortex plot out/showcase.h5 --raster out/showcase_raster.svg --rates out/showcase_rates.svg
echo "wrote out/image_report.svg, out/showcase.h5, out/showcase_raster.svg and out/showcase_rates.svg"
