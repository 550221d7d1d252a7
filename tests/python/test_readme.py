"""The README's Python example runs as written (from the repository root)."""
import contextlib
import io
import os
import re
import unittest

SOURCE = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


class ReadmeExample(unittest.TestCase):
    def test_python_block_runs(self):
        with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as f:
            blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
        self.assertEqual(len(blocks), 1)
        here = os.getcwd()
        out = io.StringIO()
        try:
            os.chdir(SOURCE)
            with contextlib.redirect_stdout(out):
                exec(compile(blocks[0], "README.md", "exec"), {})
        finally:
            os.chdir(here)
        # The direction example's two neurons answer at 8-9, 38-39 and 68-69 ms, on the chip as on the engine.
        self.assertIn("[ 8.  9. 38. 39. 68. 69.]", out.getvalue())


if __name__ == "__main__":
    unittest.main()
