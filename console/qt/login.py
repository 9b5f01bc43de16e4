"""Who is working: the login dialog, and the first supervisor account of an empty store.

Checking a password hashes it with scrypt (about 50 ms of CPU on purpose) and writes the
failed-login count, so every check runs on the database worker; the dialog only disables
itself meanwhile and shows the outcome.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.qt.workers import Workers
from console.services.accounts import (
    MAX_NAME_CHARS,
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    WRONG_LOGIN,
    Account,
    AccountDisabledError,
    LoginError,
    LoginThrottledError,
    PermissionDenied,
    add_user,
    authenticate,
)
from console.services.scoring_loop import describe
from console.store import TicketStore
from inference import SentideskError

log = logging.getLogger(__name__)

#: QSettings key of the name that last logged in, offered again next time
LAST_NAME_SETTING = "login/last_name"


def tr(text: str) -> str:
    return QCoreApplication.translate("LoginDialog", text)


def role_name(role: str) -> str:
    """The role as the interface shows it (the stored value is the English word)."""
    names = {"supervisor": tr("supervisor"), "agent": tr("agent")}
    return names.get(role, role)


def _seconds(wait: float) -> str:
    # rounded up to a tenth like the service's own message, so "wait 0 s" never shows
    return f"{math.ceil(round(wait * 10, 3)) / 10:g}"


class LoginDialog(QDialog):
    """Asks who is working and checks the password, or, on a store without accounts, asks
    for the first supervisor account and creates it.

    Enter logs in (the default button), Esc cancels. The dialog closes only with an
    account (``account`` is then set and the dialog accepted) or when cancelled; ``quits``
    says that cancelling quits the console (at start-up) rather than keeping whoever is
    logged in.

    Signals:
    loggedIn(object): the :class:`Account` that logged in (or was just created).
    busyChanged(bool): a check on the database worker started (True) or ended (False).
    """

    loggedIn = Signal(object)
    busyChanged = Signal(bool)

    def __init__(
        self,
        store: TicketStore,
        workers: Workers,
        settings: QSettings,
        *,
        first_launch: bool,
        quits: bool = True,
        parent: QWidget | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.workers = workers
        self.settings = settings
        self.first_launch = first_launch
        self.account: Account | None = None
        self._clock = clock
        self._busy = False
        # asyncio keeps only weak references to tasks
        self._tasks: set[asyncio.Future[Any]] = set()

        self.setObjectName("login-dialog")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setObjectName("login-name")
        self.name.setMaxLength(MAX_NAME_CHARS)
        self.password = QLineEdit()
        self.password.setObjectName("login-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(MAX_PASSWORD_CHARS)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("login-repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setMaxLength(MAX_PASSWORD_CHARS)
        self.error = QLabel()
        self.error.setObjectName("login-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # names are not markup
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("login-ok")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        # Enter must always mean "log in": an auto-default button that gets the focus (as
        # Cancel does when the OK button is disabled under it) would otherwise take Enter
        # over, and Enter would quit.
        for button in (self.ok_button, self.cancel_button):
            button.setAutoDefault(False)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        self.form = QFormLayout()
        self.name_label = QLabel()
        self.password_label = QLabel()
        self.repeat_label = QLabel()
        self.form.addRow(self.name_label, self.name)
        self.form.addRow(self.password_label, self.password)
        self.form.addRow(self.repeat_label, self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

        self.quits = quits
        last = str(settings.value(LAST_NAME_SETTING, "", type=str) or "")
        if not first_launch:
            self.name.setText(last)
        self._apply_mode()

    @classmethod
    async def for_store(
        cls,
        store: TicketStore,
        workers: Workers,
        settings: QSettings,
        *,
        quits: bool = True,
        parent: QWidget | None = None,
        clock: Callable[[], float] = time.time,
    ) -> LoginDialog:
        """The dialog in the mode the store needs: creating the first supervisor while it
        has no accounts, logging in otherwise."""
        first = await workers.db(store.user_count) == 0
        return cls(
            store,
            workers,
            settings,
            first_launch=first,
            quits=quits,
            parent=parent,
            clock=clock,
        )

    # -- appearance ---------------------------------------------------------------------
    def _apply_mode(self) -> None:
        self.repeat_label.setVisible(self.first_launch)
        self.repeat.setVisible(self.first_launch)
        self.name_label.setText(tr("Name:"))
        self.password_label.setText(tr("Password:"))
        self.repeat_label.setText(tr("Repeat password:"))
        self.cancel_button.setText(tr("Quit") if self.quits else tr("Cancel"))
        if self.first_launch:
            self.setWindowTitle(tr("Sentidesk: the first supervisor account"))
            self.intro.setText(
                tr(
                    "Nobody has an account yet. Create the first supervisor account: "
                    "supervisors add the other accounts (sentidesk user add). The password "
                    "needs at least %d characters."
                )
                % MIN_PASSWORD_CHARS
            )
            self.ok_button.setText(tr("Create and log in"))
        else:
            self.setWindowTitle(tr("Sentidesk: who is working?"))
            self.intro.setText(tr("Who is working? Log in with your Sentidesk account."))
            self.ok_button.setText(tr("Log in"))
        (self.password if self.name.text() else self.name).setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        # read-only rather than disabled: the focus stays in the field being typed in
        for field in (self.name, self.password, self.repeat):
            field.setReadOnly(busy)
        self.ok_button.setEnabled(not busy)
        if busy:
            self.error.setText(tr("Checking…"))
        self.busyChanged.emit(busy)

    @property
    def busy(self) -> bool:
        return self._busy

    # -- what the buttons do ------------------------------------------------------------
    def submit(self) -> None:
        """Check the typed name and password (or create the first account) on the database
        worker; the dialog stays responsive, its fields disabled, meanwhile."""
        if self._busy:
            return
        problem = self._local_problem()
        if problem is not None:
            self.show_error(problem)
            return
        task = asyncio.ensure_future(self._check())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _local_problem(self) -> str | None:
        """What is wrong with the typed values before asking the store (GUI thread)."""
        name = self.name.text().strip()
        if not name:
            self.name.setFocus()
            return tr("Type your name.")
        if not self.first_launch:
            if not self.password.text():
                self.password.setFocus()
                return tr("Type your password.")
            return None
        if not name.isprintable():
            self.name.setFocus()
            return tr("A name cannot contain tabs, line breaks or control characters.")
        if len(self.password.text()) < MIN_PASSWORD_CHARS:
            self.password.setFocus()
            return tr("The password needs at least %d characters.") % MIN_PASSWORD_CHARS
        if self.password.text() != self.repeat.text():
            self.repeat.setFocus()
            self.repeat.selectAll()
            return tr("The two passwords differ.")
        return None

    async def _check(self) -> None:
        name, password = self.name.text().strip(), self.password.text()
        self._set_busy(True)
        try:
            if self.first_launch:
                account = await self.workers.db(
                    add_user, self.store, name, "supervisor", password, None
                )
                log.info("first supervisor account %s created", account.name)
            else:
                account = await self.workers.db(
                    authenticate, self.store, name, password, clock=self._clock
                )
        except Exception as exc:
            self._set_busy(False)
            if not self.isVisible():
                return  # cancelled meanwhile; nobody is waiting for the answer
            self._refused(name, exc)
            return
        self._set_busy(False)
        if not self.isVisible():
            return
        log.info("%s logged in as %s", account.name, account.role)
        self.account = account
        self.settings.setValue(LAST_NAME_SETTING, account.name)
        self.password.clear()
        self.repeat.clear()
        self.loggedIn.emit(account)
        self.accept()

    def _refused(self, name: str, exc: BaseException) -> None:
        """Say in the dialog why the login (or the first account) was refused."""
        if isinstance(exc, LoginThrottledError):
            text = tr("Too many failed logins for %s: wait %s s before trying again.") % (
                name,
                _seconds(exc.wait_seconds),
            )
        elif isinstance(exc, AccountDisabledError):
            text = tr("The account %s is disabled; ask a supervisor to enable it.") % name
        elif isinstance(exc, LoginError):
            text = tr("Wrong name or password.") if str(exc) == WRONG_LOGIN else str(exc)
            self.password.clear()
        elif isinstance(exc, PermissionDenied) and self.first_launch:
            # someone created an account meanwhile (the command line, another window): the
            # first account is theirs, so this becomes an ordinary login
            self.first_launch = False
            self._apply_mode()
            text = tr("An account was created meanwhile. Log in with your account.")
        elif isinstance(exc, SentideskError):
            text = tr("Not logged in: %s") % describe(exc)
        else:
            log.error("checking the login of %s failed", name, exc_info=exc)
            text = tr("Not logged in: %s") % describe(exc)
        self.show_error(text)
        target = self.password if self.name.text().strip() else self.name
        target.setFocus()
        target.selectAll()

    def reject(self) -> None:
        self.password.clear()
        self.repeat.clear()
        super().reject()

    async def wait(self) -> Account | None:
        """Show the dialog and wait (without blocking the event loop) until it closes: the
        account that logged in, or None when cancelled."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[int] = loop.create_future()

        def finished(result: int) -> None:
            if not done.done():
                done.set_result(result)

        self.finished.connect(finished)
        self.setWindowModality(
            Qt.WindowModality.WindowModal
            if self.parentWidget() is not None
            else Qt.WindowModality.ApplicationModal
        )
        self.show()
        self.activateWindow()
        (self.password if self.name.text() else self.name).setFocus()
        await done
        # set only by a successful check, just before the dialog accepts
        return self.account


async def choose_account(
    store: TicketStore,
    workers: Workers,
    settings: QSettings,
    *,
    quits: bool = True,
    parent: QWidget | None = None,
    clock: Callable[[], float] = time.time,
) -> Account | None:
    """Ask who is working (creating the first supervisor on an empty store): the account, or
    None when the dialog was cancelled."""
    dialog = await LoginDialog.for_store(
        store, workers, settings, quits=quits, parent=parent, clock=clock
    )
    try:
        return await dialog.wait()
    finally:
        dialog.deleteLater()
