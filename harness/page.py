"""The page's states and answers, as a user sees them: ready or failed, and the digit shown."""

from __future__ import annotations

from playwright.sync_api import Page, expect

# Cold start of Pyodide + TF.js takes seconds; far more on a busy 2-core CI machine. The one
# limit for every wait on the recognizer starting (or failing to start).
READY_TIMEOUT_MS = 120_000


def wait_ready(page: Page, timeout_ms: float = READY_TIMEOUT_MS) -> None:
    """Wait until the page says its recognizer is ready."""
    expect(page.get_by_test_id("prediction")).to_have_attribute(
        "data-status", "ready", timeout=timeout_ms
    )


def wait_error(page: Page, timeout_ms: float = READY_TIMEOUT_MS) -> None:
    """Wait until the page says its recognizer could not start (the status line with Retry)."""
    expect(page.get_by_test_id("prediction")).to_have_attribute(
        "data-status", "error", timeout=timeout_ms
    )


def wait_started(page: Page, timeout_ms: float = READY_TIMEOUT_MS) -> str:
    """Wait until the recognizer is ready or has failed to start; return "ready" or "error".
    For callers that report a failure at once instead of waiting out the ready timeout."""
    page.wait_for_function(
        """() => ['ready', 'error'].includes(
            document.querySelector('[data-testid=prediction]')?.dataset.status)""",
        timeout=timeout_ms,
    )
    return page.get_by_test_id("prediction").get_attribute("data-status")


def prediction_seq(page: Page) -> int:
    """The number of the newest result shown (0 before any): what `shown_after` waits past."""
    return int(page.get_by_test_id("prediction").get_attribute("data-seq") or "0")


def shown_after(page: Page, seq: int, timeout_ms: float = 15_000) -> str:
    """Wait until a result newer than `seq` is shown and final; return its digit ('' for none).

    Final: `data-pending` is "false" (no stroke in progress, no recognition in flight or
    wanted), so live results shown while the pen moved are not mistaken for the answer.
    """
    page.wait_for_function(
        """seq => {
            const shown = document.querySelector('[data-testid=prediction]');
            return Number(shown.dataset.seq) > seq && shown.dataset.pending === 'false';
        }""",
        arg=seq,
        timeout=timeout_ms,
    )
    return page.get_by_test_id("prediction").inner_text()
