"""The Sirene import's converter (see staging.py): staged chunks converted into the new directory tables
in a thread of its own, while the importing thread stages the next chunk (two passes over the rows on
two cores instead of one after the other)."""
import queue
import threading


class Converter:
    """Converts staged chunks into the new tables in a thread of its own, on its own connection, in
    the order they were staged. The thread only runs statements; what a chunk's outcome means (a
    row left out, a key given twice) is decided in the importing thread by collect(), which raises
    the file's French error there."""

    def __init__(self, area):
        self.area = area
        self.todo, self.done = queue.Queue(), queue.Queue()
        self.stopping = threading.Event()
        self.thread = None
        self.pending = []  # chunks submitted and not collected yet, in order

    def submit(self, chunk):
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="sirene-converter", daemon=True)
            self.thread.start()
        self.pending.append(chunk)
        self.todo.put(chunk)
        self.collect(wait=False)  # a chunk refused stops the loading at once

    def collect(self, wait, progress=None, amount=lambda chunk: 1, until=None):
        """Take the outcomes of the chunks converted so far (all of them when wait, or until until()
        is true), raising the error of the first chunk that failed; progress(UPDATING, amount(chunk),
        None) per chunk."""
        from db.sirene.importer import UPDATING

        while self.pending and not (until and until()):
            try:
                outcome = self.done.get(block=wait)
            except queue.Empty:
                return
            chunk = self.pending.pop(0)
            if isinstance(outcome, BaseException):
                self.area.failed(chunk, outcome)
                raise outcome
            self.area.checked(chunk, outcome)
            if progress:
                progress(UPDATING, amount(chunk), None)

    def stop(self):
        if self.thread is not None:
            self.stopping.set()
            self.todo.put(None)
            self.thread.join()
            self.thread = None

    def _run(self):
        try:
            with self.area.converting():
                while (chunk := self.todo.get()) is not None and not self.stopping.is_set():
                    self.done.put(self.area.convert(chunk))
        except BaseException as exc:  # noqa: BLE001 - handed to the importing thread, raised there
            self.done.put(exc)
