#!/usr/bin/env python3
"""Inference reference for `lightbox bench --compare`: onnxruntime on one thread.

Reads the float32 NCHW tensors Lightbox wrote (one raw file per image, all of shape
1x3xHxW) and runs the model with intra- and inter-op threads set to 1.

Without --serve it runs every tensor and prints one JSON line: images, median_ms, min_ms.
With --serve it warms up, prints "ready", then for each line "INDEX" read from standard
input runs tensor INDEX once and prints its milliseconds, so that the caller can interleave
its own inferences with these one image at a time.
"""
import argparse
import glob
import json
import os
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--tensors", required=True, help="folder of raw float32 files")
    parser.add_argument("--size", required=True, help="HxW of every tensor")
    parser.add_argument("--serve", action="store_true", help="time one tensor per INDEX line on standard input")
    args = parser.parse_args()
    height, width = (int(v) for v in args.size.split("x"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    tensors = [np.fromfile(path, dtype="<f4").reshape(1, 3, height, width)
               for path in sorted(glob.glob(os.path.join(args.tensors, "*.f32")))]
    session.run(None, {name: tensors[0]})  # warm-up

    def timed(tensor):
        started = time.perf_counter()
        session.run(None, {name: tensor})
        return (time.perf_counter() - started) * 1000

    if args.serve:
        print("ready", flush=True)
        for line in sys.stdin:
            print(f"{timed(tensors[int(line)]):.3f}", flush=True)
        return
    times = [timed(tensor) for tensor in tensors]
    print(json.dumps({"images": len(tensors), "median_ms": round(statistics.median(times), 2),
                      "min_ms": round(min(times), 2)}))


if __name__ == "__main__":
    main()
