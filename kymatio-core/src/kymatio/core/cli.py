"""The ``kymatio`` command line: ``kymatio scatter``, ``kymatio info``, ``kymatio filters``.

``kymatio scatter INPUTS... -o features.npy|features.zarr --J 8 --Q 12`` scatters audio files
(WAV, FLAC, OGG... read by soundfile), images (PNG, JPEG, TIFF... read by Pillow) and ``.npy``
arrays, batch by batch, with a progress bar; a file that cannot be read or scattered is reported
and skipped, and the run ends with a summary (exit status 1 if any file failed). ``kymatio info``
lists the installed frontends and backends and whether their frameworks are there; ``kymatio
filters --dim 1 --J 8 --Q 12 -o bank.png`` draws a filter bank. See ``docs/cli.md``.

The readers, the progress bar, Zarr and matplotlib are imported by the command that needs them
(``pip install "kymatio-core[cli,plot]"``); importing this module imports no framework.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import sys
import warnings
from pathlib import Path
from typing import Any, Sequence

from ._errors import KymatioError
from ._version import __version__

__all__ = ["main", "build_parser"]

#: Optional packages: import name -> (distribution, what needs it).
OPTIONAL = {
    "soundfile": ("soundfile", "kymatio scatter: audio files"),
    "PIL": ("pillow", "kymatio scatter: images"),
    "tqdm": ("tqdm", "kymatio scatter: the progress bar"),
    "zarr": ("zarr", "kymatio scatter -o *.zarr"),
    "matplotlib": ("matplotlib", "kymatio filters, kymatio.core.plot"),
    "dask": ("dask", "kymatio.dask"),
    "distributed": ("distributed", "kymatio.dask on a cluster"),
}
_EXTRA = {"soundfile": "cli", "PIL": "cli", "tqdm": "cli", "zarr": "cli", "matplotlib": "plot"}
#: How ``kymatio scatter --fit`` treats an input whose signal shape is not the run's.
FITS = ("exact", "pad-crop")


class UsageError(Exception):
    """A mistake in the command line or the run's setup: reported, and the command exits with 2."""


def require(module: str) -> Any:
    """Import an optional package, or raise :class:`UsageError` naming the ``pip install``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        distribution, purpose = OPTIONAL[module]
        extra = _EXTRA.get(module)
        hint = f'pip install "kymatio-core[{extra}]" (or pip install {distribution})' if extra \
            else f"pip install {distribution}"
        raise UsageError(f"{purpose} needs {distribution}, which is not installed: {hint}.") from None


# -- the parser -------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kymatio`` and its subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The parser of ``kymatio scatter``, ``kymatio info`` and ``kymatio filters``; each parsed
        command carries the function that runs it in ``args.run``.

    Examples
    --------
    >>> args = build_parser().parse_args(["scatter", "a.wav", "-o", "f.npy", "--J", "8",
    ...                                   "--Q", "12,2", "--T", "global"])
    >>> args.J, args.Q, args.T, args.fit, args.backend
    (8, (12, 2), 'global', 'exact', 'numpy')
    """
    parser = argparse.ArgumentParser(
        prog="kymatio",
        description="Wavelet scattering transforms from the command line.",
        epilog="Run 'kymatio COMMAND --help' for the options of a command. Docs: docs/cli.md.")
    parser.add_argument("--version", action="version", version=f"kymatio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scatter = commands.add_parser(
        "scatter", help="scatter audio files, images or .npy arrays into a .npy or .zarr file",
        description="Scatter audio files (soundfile: WAV, FLAC, OGG...), images (Pillow: PNG, "
                    "JPEG, TIFF...) and .npy arrays, batch by batch. Directories are searched "
                    "for such files. Every input must have the signal shape of the run (--shape, "
                    "else that of the first file read; --fit pad-crop adjusts the others). A file "
                    "that fails is reported and skipped; the exit status is 1 if any did.")
    scatter.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories")
    scatter.add_argument("-o", "--output", required=True,
                         help="features.npy (array, plus features.json: inputs, parameters) or "
                              "features.zarr (a Zarr group: array 'features', same metadata as "
                              "attributes)")
    _transform_options(scatter)
    scatter.add_argument("--dim", type=int, choices=(1, 2, 3),
                         help="signal dimension (default: 1 for audio, 2 for images, ndim of a "
                              ".npy array)")
    scatter.add_argument("--shape", type=_parse_shape,
                         help="signal shape, e.g. 16000 or 128x128 (default: the first file's)")
    scatter.add_argument("--fit", choices=FITS, default="exact",
                         help="exact: an input of another shape is an error; pad-crop: zero-pad "
                              "or crop it at the end of each axis (default: exact)")
    scatter.add_argument("--keep-channels", action="store_true",
                         help="scatter each channel of audio/colour images (default: mono, "
                              "grey levels)")
    scatter.add_argument("--batch-size", type=_positive, default=16,
                         help="files per batch (default: 16)")
    scatter.add_argument("--backend", default="numpy",
                         help="any installed backend (see 'kymatio info'), whose frontend "
                              "computes (default: numpy)")
    scatter.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                         help="precision of the computation and the output (default: float32)")
    scatter.add_argument("--no-progress", action="store_true", help="no progress bar")
    scatter.set_defaults(run=_run_scatter)

    info = commands.add_parser(
        "info", help="list the installed frontends, backends and optional packages",
        description="List the installed frontends and backends, whether their frameworks are "
                    "installed (checked without importing them), the command that installs a "
                    "missing one, and the optional packages of the command line and the plots.")
    info.set_defaults(run=_run_info)

    filters = commands.add_parser(
        "filters", help="draw a filter bank to an image file",
        description="Draw the wavelets of a 1-D transform (frequency responses and their "
                    "Littlewood-Paley sum) or of a 2-D transform (images in space by scale and "
                    "angle) with matplotlib.")
    filters.add_argument("--dim", type=int, choices=(1, 2), default=1,
                         help="1: wavelets of Scattering1D, 2: of Scattering2D (default: 1)")
    _transform_options(filters)
    filters.add_argument("--shape", type=_parse_shape,
                         help="signal shape (default: 2**J * 8 samples in 1-D, 2**J * 4 pixels "
                              "a side in 2-D)")
    filters.add_argument("-o", "--output", required=True,
                         help="image file: .png, .pdf, .svg (any format matplotlib writes)")
    filters.add_argument("--dpi", type=_positive, default=120,
                         help="resolution of a raster image (default: 120)")
    filters.set_defaults(run=_run_filters)
    return parser


def _transform_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("transform")
    group.add_argument("--J", type=_integer, required=True, help="number of octaves (scales)")
    group.add_argument("--Q", type=_parse_Q, help="1-D: wavelets per octave, Q1 or Q1,Q2 "
                                                  "(default 1)")
    group.add_argument("--T", type=_parse_T, help="1-D: averaging scale, an integer or 'global' "
                                                  "(default 2**J)")
    group.add_argument("--L", type=_integer, help="2-D/3-D: number of angles (default 8 in 2-D, "
                                             "3 in 3-D)")
    group.add_argument("--max-order", type=int, choices=(1, 2), default=2,
                       help="highest scattering order (default: 2)")


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _parse_Q(text: str) -> Any:
    parts = [_integer(p) for p in text.split(",")]
    if len(parts) > 2:
        raise argparse.ArgumentTypeError(f"expected Q1 or Q1,Q2, got {text!r}")
    return parts[0] if len(parts) == 1 else tuple(parts)


def _parse_T(text: str) -> Any:
    return "global" if text == "global" else _integer(text)


def _parse_shape(text: str) -> tuple[int, ...]:
    parts = text.replace("x", ",").split(",")
    try:
        shape = tuple(int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a shape such as 16000 or 128x128, got {text!r}") from None
    if not 1 <= len(shape) <= 3 or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"expected 1 to 3 positive sizes, got {text!r}")
    return shape


def transform_parameters(args: argparse.Namespace, dim: int) -> dict:
    """The keyword arguments of the transform of dimension ``dim`` from the options."""
    parameters: dict[str, Any] = {"J": args.J, "max_order": args.max_order}
    if dim == 1:
        if args.L is not None:
            raise UsageError("--L applies to 2-D and 3-D signals only (images, volumes).")
        parameters["Q"] = 1 if args.Q is None else args.Q
        if args.T is not None:
            parameters["T"] = args.T
    else:
        for name in ("Q", "T"):
            if getattr(args, name) is not None:
                raise UsageError(f"--{name} applies to 1-D signals only; {dim}-D takes --J, --L "
                                 "and --max-order.")
        if args.L is not None:
            parameters["L"] = args.L
    return parameters


# -- the commands -----------------------------------------------------------------------------------
def _run_scatter(args: argparse.Namespace) -> int:
    from . import _scatter_files

    return _scatter_files.run(args)


def _run_info(args: argparse.Namespace) -> int:
    import platform

    import kymatio.core

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frontends = kymatio.core.list_frontends(detail=True)
        backends = kymatio.core.list_backends(detail=True)
    print(f"kymatio {__version__} (Python {platform.python_version()})")
    print("\nfrontends (kymatio.core.Scattering1D(..., frontend=NAME)):")
    for f in frontends:
        _print_entry(f.name, f.available, f.description, f.requires, f.install_hint)
    print("\nbackends (backend=NAME):")
    for b in backends:
        _print_entry(b.name, b.available, f"frontend {b.frontend}: {b.description}", b.requires,
                     b.install_hint)
    print("\noptional packages:")
    for module, (distribution, purpose) in OPTIONAL.items():
        try:
            version = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            version = None
        available = version is not None and importlib.util.find_spec(module) is not None
        _print_entry(distribution, available, f"{version or ''} for {purpose}".strip(),
                     (module,), f"pip install {distribution}")
    problems = [str(w.message) for w in caught]
    if problems:
        print("\nproblems:")
        for problem in problems:
            print(f"  {problem}")
    return 0


def _print_entry(name: str, available: bool, description: str, requires: Sequence[str],
                 install_hint: str) -> None:
    print(f"  {name:<13} {'ok' if available else 'MISSING':<8} {description}")
    if not available:
        missing = [m for m in requires if importlib.util.find_spec(m.split(".")[0]) is None]
        print(f"  {'':<13} {'':<8} missing {', '.join(missing) or 'modules'}: "
              f"{install_hint or 'see its documentation'}")


def _run_filters(args: argparse.Namespace) -> int:
    require("matplotlib")
    from matplotlib.figure import Figure

    import kymatio.core
    from . import plot

    output = Path(args.output)
    formats = Figure().canvas.get_supported_filetypes()
    if output.suffix.lower().lstrip(".") not in formats:
        raise UsageError(f"cannot write {str(output)!r}: the file name should end with one of "
                         f"{', '.join('.' + f for f in sorted(formats))}.")
    parameters = transform_parameters(args, args.dim)
    shape = args.shape
    if shape is None:
        side = 2**args.J * (8 if args.dim == 1 else 4)
        shape = (side,) * args.dim
    if len(shape) != args.dim:
        raise UsageError(f"--shape {'x'.join(map(str, shape))} has {len(shape)} axes, but --dim "
                         f"is {args.dim}.")
    name = "Scattering1D" if args.dim == 1 else "Scattering2D"
    transform = getattr(kymatio.core, name)(shape=shape[0] if args.dim == 1 else shape,
                                            frontend="numpy", **parameters)
    fig = plot.filter_bank_1d(transform) if args.dim == 1 else plot.filter_bank_2d(transform)
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=args.dpi)
    if args.dim == 1:
        counts = f"{len(transform.psi1_f)} + {len(transform.psi2_f)} wavelets, Q={transform.Q}"
    else:
        counts = f"{len(transform.psi)} wavelets, L={transform.L}"
    print(f"wrote {output} ({args.dim}-D filter bank: J={transform.J}, {counts}, "
          f"shape={transform.shape})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name, such as ``["info"]``; ``None`` reads
        ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 1 if ``kymatio scatter`` could not scatter every input, 2 for a usage error
        (argparse's own errors exit with 2 too).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.run(args)
    except (UsageError, KymatioError) as error:
        print(f"kymatio {args.command}: error: {error}", file=sys.stderr)
        return 2
