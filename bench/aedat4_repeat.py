#!/usr/bin/env python3
"""Writes a larger AEDAT 4.0 file by repeating the packets of a real one, for timing the reader.

usage: /usr/bin/python3 bench/aedat4_repeat.py IN.aedat4 OUT.aedat4 TIMES

The IOHeader is kept, with its data table position set to -1 (none): the copies' timestamps repeat, which the
reader does not mind and a throughput figure does not need.
"""
import struct
import sys

src, dst, times = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, 'rb').read()
at = len(b'#!AER-DAT4.0\r\n')
header_bytes = struct.unpack_from('<I', data, at)[0]
header = bytearray(data[:at + 4 + header_bytes])
# IOHeader root table -> its vtable -> field 1 (dataTablePosition, int64).
h = at + 4
root = struct.unpack_from('<I', data, h)[0]
vtable = h + root - struct.unpack_from('<i', data, h + root)[0]
field = struct.unpack_from('<H', data, vtable + 6)[0]
table_position = struct.unpack_from('<q', data, h + root + field)[0]
struct.pack_into('<q', header, h + root + field, -1)
end = table_position if table_position > 0 else len(data)
with open(dst, 'wb') as out:
    out.write(header)
    for _ in range(times):
        out.write(data[at + 4 + header_bytes:end])
