"""The narrow timeline's starting point, when a label covers the figure's left edge."""

from __future__ import annotations

import multiprocessing
from types import SimpleNamespace

from chronicle.timeline import start_clear_of_labels


def clear_of_a_label_at_the_edge(answer: multiprocessing.queues.Queue) -> None:  # type: ignore[name-defined]
    """In a child process: the start left of a frame label that begins 2 units from the edge."""
    frame = SimpleNamespace(anchor="start", label_x=2.0, lines=("Une période au libellé long",))
    answer.put(start_clear_of_labels(50.0, [], [frame]))  # type: ignore[list-item]


def test_a_label_at_the_left_edge_puts_the_start_at_zero() -> None:
    """The start moves left past the label, stops at 0 (the build hung there: the 1,000-event
    benchmark's chronology never finished planning), and is returned."""
    context = multiprocessing.get_context("fork")
    answer = context.Queue()
    child = context.Process(target=clear_of_a_label_at_the_edge, args=(answer,))
    child.start()
    child.join(timeout=20)  # an event (the child's end), not a sleep: it takes milliseconds
    if child.is_alive():
        child.kill()
    assert answer.get(timeout=1) == 0.0
