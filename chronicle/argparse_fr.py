"""argparse in French: every word the command line prints is French (usage, titles, errors).

argparse looks its words up through ``gettext`` each time it prints; ``install`` points those
look-ups at the table below. A wording argparse adds in a later Python stays English until it is
added here (``tests/test_cli.py`` reads the help of every command for English words).
"""

from __future__ import annotations

import argparse

FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r (un nombre est attendu)",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "expected one argument": "une valeur attendue après l'option",
    "expected at most one argument": "une valeur au plus attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "ignored explicit argument %r": "valeur %r ignorée",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "commande inconnue %(parser_name)r (possibles : "
    "%(choices)s)",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}
PLURALS = {"expected %s argument": ("%s valeur attendue", "%s valeurs attendues")}


def french(message: str) -> str:
    """The French of one of argparse's messages (itself when unknown)."""
    return FRENCH.get(message, message)


def french_plural(singular: str, plural: str, count: int) -> str:
    """The French of one of argparse's messages that agree with a number."""
    one, many = PLURALS.get(singular, (singular, plural))
    return one if count == 1 else many


class FrenchHelp(argparse.HelpFormatter):
    """The help of a command with a French ``usage`` line."""

    def add_usage(self, usage: str | None, actions: object, groups: object, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)  # type: ignore[arg-type]


class FrenchParser(argparse.ArgumentParser):
    """An argument parser whose help and errors are French (its subcommands' parsers are too)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", FrenchHelp)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def install() -> None:
    """Make argparse print French (its module looks ``_`` and ``ngettext`` up at each message)."""
    argparse._ = french  # type: ignore[attr-defined]
    argparse.ngettext = french_plural  # type: ignore[attr-defined]
