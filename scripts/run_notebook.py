"""Execute one notebook top to bottom through its kernel (tslab), as a user's "Run All" would.

Usage: python run_notebook.py NOTEBOOK [--out EXECUTED.ipynb] [--timeout SECONDS]

Exits 1 on the first cell error, printing the cell's number, its source and the kernel's error.
The executed copy (outputs included) is written to --out when given; the source notebook is not
touched. Called by tests/notebooks.test.ts with the .venv interpreter.
"""
import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--out")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "tslab":
        print(f"{args.notebook}: kernelspec is {kernel!r}, expected 'tslab'", file=sys.stderr)
        return 1
    client = NotebookClient(
        nb,
        kernel_name="tslab",
        timeout=args.timeout,
        startup_timeout=120,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
    )
    start = time.monotonic()
    status = 0
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        status = 1
        print(f"{args.notebook}: a cell failed\n{e}", file=sys.stderr)
    finally:
        if args.out:
            os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
            nbformat.write(nb, args.out)
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"{os.path.basename(args.notebook)}: {code_cells} code cells in {time.monotonic() - start:.1f} s"
          + (" (FAILED)" if status else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
