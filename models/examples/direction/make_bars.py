#!/usr/bin/env python3
"""Writes bars.aedat (a synthetic DVS128 recording in jAER's AEDAT 2.0) and direction.toml beside it.

A vertical bar, 16 pixels high, sweeps across the 128-pixel-wide sensor at 16 pixels per millisecond: to the
right from 0 ms, to the left from 30 ms, to the right again from 60 ms. Its leading edge makes ON events, its
trailing edge (8 pixels behind) OFF events, one per pixel and pass. Addresses as jAER's DVS128 extractor reads
them (x and y counted from the other side, ON = bit 0 clear), so Silicortex sees image coordinates.

The network pools the ON events into 8 x 8 pixels of 16 x 16 and feeds two chip-native neurons through delays
that undo a sweep's travel time: for "right", column c waits 8 - c ms, so a rightward sweep arrives at once
and a leftward one spread out; "left" mirrors it. Run: /usr/bin/python3 make_bars.py (files are committed).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
WIDTH, ROWS = 128, range(56, 72)
SPEED_PX_PER_MS, BAR_PX = 16, 8


def sweep(t0_ms, rightward):
    events = []  # (t_us, x, y, on)
    for step in range(WIDTH + BAR_PX):
        t_us = int(round(t0_ms * 1000 + step * 1000 / SPEED_PX_PER_MS))
        lead = step if rightward else WIDTH - 1 - step
        trail = lead - BAR_PX if rightward else lead + BAR_PX
        for x, on in ((lead, True), (trail, False)):
            if 0 <= x < WIDTH:
                events += [(t_us, x, y, on) for y in ROWS]
    return events


def address(x, y, on):  # image (x, y) -> jAER DVS128 raw address
    return (127 - y) << 8 | (127 - x) << 1 | (0 if on else 1)


events = sorted(sweep(0, True) + sweep(30, False) + sweep(60, True))
with open(os.path.join(HERE, 'bars.aedat'), 'wb') as f:
    f.write(b'#!AER-DAT2.0\r\n# Synthetic: a bar sweeping right, left, right (make_bars.py)\r\n'
            b'# AEChip: ch.unizh.ini.jaer.chip.retina.DVS128\r\n')
    for t, x, y, on in events:
        f.write(struct.pack('>Ii', address(x, y, on), t))

COLUMNS = 8
pre, post, delay = [], [], []
for row in range(8):
    for col in range(COLUMNS):
        for neuron, wait in ((0, COLUMNS - col), (1, col + 1)):  # 0 = right, 1 = left
            pre.append(row * COLUMNS + col)
            post.append(neuron)
            delay.append(float(wait))
toml = f'''# Direction selectivity from an event camera: two TrueNorth neurons tell a bar sweeping right from one
# sweeping left by delays alone. Made by make_bars.py (see there); bars.aedat is its synthetic DVS128 recording.
#   silicortex events info models/examples/direction/bars.aedat --svg bars.svg
#   silicortex run models/examples/direction/direction.toml --out direction.h5
#   silicortex plot direction.h5 --raster direction.svg
#   silicortex compile models/examples/direction/direction.toml --chip truenorth -o dir.scxp
#   silicortex run dir.scxp                   # the same spikes on the emulated chip
# Sweeps to the right start at 0 and 60 ms, to the left at 30 ms: "right" (neuron 0) fires at 8-9 and 68-69 ms,
# "left" (neuron 1) at 38-39 ms.
[network]
name = "direction"

[simulation]
dt_ms = 1.0
duration_ms = 100.0

[[population]]
name = "retina"
size = 64                       # 8 x 8 pooled pixels, ON events only
model = "events"
params = {{ file = "bars.aedat", downsample = 16, polarity = "on" }}

[[population]]
name = "direction"
size = 2                        # 0: right, 1: left
model = "truenorth"
params = {{ threshold = 12, leak = -2, neg_threshold = 0, neg_saturate = 1 }}

[[projection]]
pre = "retina"
post = "direction"
connector = {{ type = "from_list", pre = {pre}, post = {post} }}
weight = 1
delay_ms = {delay}

[[probe]]
population = "direction"
'''
with open(os.path.join(HERE, 'direction.toml'), 'w') as f:
    f.write(toml)
print(len(events), 'events')
