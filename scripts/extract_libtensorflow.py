"""Extract the TensorFlow C library and its headers from a tensorflow-cpu wheel.

Usage: python extract_libtensorflow.py WHEEL DEST

Writes DEST/lib/{libtensorflow_cc.so.2, libtensorflow_framework.so.2}, DEST/include/... (only the
header trees the C API needs) and DEST/LICENSE. Called by `npm install` (scripts/lib/native-backend.ts).
"""
import os
import shutil
import sys
import zipfile

LIBS = ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2")
HEADER_TREES = (
    "tensorflow/include/tensorflow/c/",
    "tensorflow/include/tensorflow/core/platform/",
    "tensorflow/include/tsl/",
    "tensorflow/include/xla/tsl/",
)


def main(wheel: str, dest: str) -> None:
    tmp = dest + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        missing = [lib for lib in LIBS if lib not in names]
        if missing:
            sys.exit(f"{wheel}: missing {', '.join(missing)}; is this a tensorflow-cpu wheel?")
        for lib in LIBS:
            target = os.path.join(tmp, "lib", os.path.basename(lib))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(lib) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
        headers = 0
        for name in names:
            if name.endswith("/") or not name.startswith(HEADER_TREES):
                continue
            target = os.path.join(tmp, "include", name[len("tensorflow/include/"):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(name) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            headers += 1
        licence = next((n for n in names if n.endswith(".dist-info/LICENSE") or n == "tensorflow/include/LICENSE"), None)
        if licence:
            with z.open(licence) as src, open(os.path.join(tmp, "LICENSE"), "wb") as out:
                shutil.copyfileobj(src, out)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)
    print(f"extracted 2 libraries and {headers} headers to {dest}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
