"""Multitask backprop (Caruana, NIPS 1995): many small nets trained at once, per-task peaks."""

from mtb.data import Patterns, TaskData, split_patterns
from mtb.nets import Net
from mtb.train import Config, NetResult, Result, train

__all__ = ["Config", "Net", "NetResult", "Patterns", "Result", "TaskData", "split_patterns",
           "train"]
