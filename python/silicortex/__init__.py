"""Silicortex in Python: describe or load a spiking network, run it on the reference engine, compile it onto an
emulated neuromorphic chip, and read event-camera recordings. See docs/python.md.

    import silicortex as sc
    net = sc.builtin_model("cuba")
    result = sc.run(net, duration_ms=200, seed=3)
    result.spikes["exc"].times_ms      # numpy array
"""
from ._core import *  # noqa: F401,F403
from ._core import Engine, Error, Trainer, __version__  # noqa: F401


def progress_bar(label="simulating", stream=None):
    """A progress callback for Engine.run that draws a one-line bar on a terminal (stderr by default)."""
    import sys

    stream = stream or sys.stderr

    def show(done, total):
        if not stream.isatty() or total <= 0:
            return
        width = 40
        filled = int(width * done / total)
        end = "\n" if done >= total else ""
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {100 * done / total:5.1f}%{end}")
        stream.flush()

    return show


def run(network, duration_ms=None, seed=None, threads=None, progress=None):
    """Builds an Engine for a copy of `network` with the given overrides and runs it once. `progress`: a
    callback (done_steps, total_steps), or True for a bar on the terminal."""
    if progress is True:
        progress = progress_bar()
    net = network.copy()
    if duration_ms is not None:
        net.sim.duration_ms = float(duration_ms)
    if seed is not None:
        net.sim.seed = int(seed)
    if threads is not None:
        net.sim.threads = int(threads)
    return Engine(net).run(progress)


def load_model(path_or_name):
    """A network from a TOML file, or a built-in model by name (coba, cuba, showcase), as `silicortex run`."""
    import os

    if not os.path.exists(path_or_name):
        try:
            return builtin_model(path_or_name)  # noqa: F405
        except Error:
            pass
    return read_model(path_or_name)  # noqa: F405


def _fit(trainer, train, epochs=None, validation=None, test=None, checkpoint=None, progress=False):
    """Trains until `epochs` epochs are done (default: the configuration's), as `silicortex train` does:
    after each epoch it evaluates `validation` and `test` (Datasets, optional) and writes `checkpoint` (a
    path, optional). `progress`: a callback (samples_done, stats), or True for a bar on the terminal.
    Returns one dict per epoch run: epoch, loss, accuracy and validation_accuracy / test_accuracy."""
    if progress is True:
        bar = progress_bar("training")
        progress = lambda done, stats: bar(done, len(train))  # noqa: E731
    history = []
    target = trainer.config.epochs if epochs is None else int(epochs)
    while trainer.epochs_done < target:
        stats = trainer.train_epoch(train, progress or None)
        row = {"epoch": trainer.epochs_done, "loss": stats.loss, "accuracy": stats.accuracy}
        if validation is not None:
            row["validation_accuracy"] = trainer.evaluate(validation).accuracy
        if test is not None:
            row["test_accuracy"] = trainer.evaluate(test).accuracy
        if checkpoint is not None:
            trainer.save_checkpoint(checkpoint)
        history.append(row)
    return history


Trainer.fit = _fit
