"""Execute one notebook top to bottom through its kernel (tslab), as a user's "Run All" would, then check
that re-running it does not pile up memory.

Usage: python run_notebook.py NOTEBOOK [--out EXECUTED.ipynb] [--timeout SECONDS] [--no-rerun]

1. Runs every code cell in order; exits 1 on the first cell error, printing the cell's number, its source,
   the kernel's error and what the cell printed (tslab reports an error only there). The executed copy of this
   first, clean run is written to --out when given (the source notebook is not touched).
2. In the same kernel, a probe cell prints `tf.memory().numTensors`; then every code cell runs again, in
   order, as a user's second "Run All" would, and the probe runs again. If the counts differ, a re-run keeps
   tensors alive (an old model, an undisposed tensor): exit 1 with both counts. --no-rerun skips this step.

Prints one line per notebook: "NN-name.ipynb: K code cells in S s; ..." with the re-run time and both
tensor counts. Called by tests/notebooks.test.ts with the .venv interpreter.
"""
import argparse
import copy
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

PROBE = "import { tf } from 'attention-workbook';\nconsole.log(`numTensors=${tf.memory().numTensors}`);"


def probe(client: NotebookClient) -> int:
    """Runs the probe cell (appended to the client's notebook) and returns tf.memory().numTensors."""
    cell = nbformat.v4.new_code_cell(PROBE)
    client.nb.cells.append(cell)
    client.execute_cell(cell, len(client.nb.cells) - 1)
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    m = re.search(r"numTensors=(\d+)", text)
    if not m:
        raise RuntimeError(f"the tensor probe printed no count: {cell.outputs!r}")
    return int(m.group(1))


def cell_output(cell, limit: int = 4000) -> str:
    """What a cell printed (its stdout/stderr streams and error tracebacks), the last `limit` characters: tslab
    reports a failure only in the cell's stderr (a type error, an exception's stack) and leaves the execute
    reply's ename/evalue empty, so nbclient's own message alone does not say what went wrong."""
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            parts.append("\n".join(o.get("traceback", [])) or f"{o.get('ename')}: {o.get('evalue')}")
    text = "".join(parts)
    return text if len(text) <= limit else "…" + text[-limit:]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--out")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    ap.add_argument("--no-rerun", action="store_true", help="run once; skip the re-run memory check")
    args = ap.parse_args()

    name = os.path.basename(args.notebook)
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
        # after a cell's reply, wait up to 60 s (nbclient's default is 4) for the rest of its output and the kernel's
        # idle status, which on a machine busy with two kernels can come seconds after the reply
        iopub_timeout=60,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
    )
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    status = 0
    phase = "the first run"
    clean = None
    first_s = rerun_s = None
    counts: list[int] = []
    current = None
    start = time.monotonic()
    try:
        client.reset_execution_trackers()
        with client.setup_kernel():
            info = client.wait_for_reply(client.kc.kernel_info())
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            for i in code_cells:
                current = i
                client.execute_cell(nb.cells[i], i, execution_count=client.code_cells_executed + 1)
            first_s = time.monotonic() - start
            clean = copy.deepcopy(nb)
            if not args.no_rerun:
                phase, current = "the tensor probe", None
                counts.append(probe(client))
                phase = "the re-run of every code cell (same kernel, after the first run)"
                t0 = time.monotonic()
                for i in code_cells:
                    current = i
                    client.execute_cell(nb.cells[i], i)
                rerun_s = time.monotonic() - t0
                phase, current = "the tensor probe", None
                counts.append(probe(client))
    except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError) as e:
        status = 1
        where = f" (cell {current})" if current is not None else ""
        printed = cell_output(nb.cells[current]) if current is not None else ""
        print(f"{args.notebook}: a cell failed during {phase}{where}\n{e}", file=sys.stderr)
        if printed.strip():
            print(f"what the cell printed:\n{printed}", file=sys.stderr)
    finally:
        if args.out:
            os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
            nbformat.write(clean if clean is not None else nb, args.out)

    line = f"{name}: {len(code_cells)} code cells in {first_s if first_s is not None else time.monotonic() - start:.1f} s"
    if rerun_s is not None:
        line += f", re-run in {rerun_s:.1f} s"
    if counts:
        line += f"; tf.memory().numTensors {counts[0]} after the first run"
    if len(counts) == 2:
        line += f", {counts[1]} after the re-run"
        if counts[1] != counts[0]:
            status = 1
            print(
                f"{args.notebook}: re-running every code cell changed tf.memory().numTensors from {counts[0]} "
                f"to {counts[1]} ({counts[1] - counts[0]:+d}): a cell keeps tensors of its previous run alive "
                "(build models with fresh(key, ...), dispose tensors a cell no longer needs, or use tf.tidy)",
                file=sys.stderr,
            )
    print(line + (" (FAILED)" if status else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
