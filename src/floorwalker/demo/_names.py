"""Names and contact details for the synthetic staff. Pure.

The lists mix the backgrounds one meets on a British contact-centre floor, so that the
demo roster reads like a real one rather than "Agent 17".
"""

from __future__ import annotations

import unicodedata

import numpy as np


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    """
    Aaliyah Aaron Abdul Abigail Adam Adebayo Aisha Alan Alex Alice Amara Amelia Amir Amy
    Ana Andrew Angela Anil Anna Anthony Arjun Ayesha Bartosz Beatriz Ben Bethany Bilal
    Bogdan Bronwen Callum Carla Caroline Catherine Chanel Charlie Chiamaka Chloé Chris
    Ciara Claire Connor Craig Daisy Daniel Darren David Deepa Demi Dominika Duncan
    Eilidh Elena Eleanor Elif Ella Emeka Emily Emma Eoin Erin Fatima Femi Fiona
    Francesca Gareth Gemma George Georgia Grace Gurpreet Hamza Hannah Harpreet Harry
    Hassan Hayley Helen Holly Ibrahim Imran Isabel Isla Jack Jacob Jade Jakub James
    Jamie Jasmine Jason Jennifer Jessica Joanne Joe John Jordan José Joshua Julia Kamala
    Karen Karim Katie Kayleigh Kelly Kemi Kieran Kirsty Laura Lauren Leah Leon Liam Lily
    Lucy Luke Mai Marcus Maria Mark Marta Martin Matthew Megan Mei Michael Michelle
    Mohammed Molly Nadia Naomi Natalie Nathan Neil Niamh Nicola Nikhil Noah Oliver
    Olivia Oluwaseun Omar Owen Paul Paula Pooja Priya Rachel Rajesh Rebecca Rhys Richard
    Rob Rory Rosa Ruth Ryan Saira Sam Samantha Sandeep Sarah Scott Sean Shauna Simon
    Siobhán Sophie Stacey Stephen Stuart Sunita Tariq Thomas Tom Tomasz Tyrone Usman
    Vanessa Victoria Wei Wiktoria Will Yasmin Yusuf Zainab Zara Zoë
    """
)

LAST_NAMES = _words(
    """
    Adams Adeyemi Afolabi Ahmed Akhtar Ali Allen Anderson Armstrong Bailey Baker
    Banerjee Barnes Begum Bell Bennett Bhatt Brennan Brown Butler Byrne Campbell Carter
    Chakraborty Chan Chapman Chen Clarke Collins Cook Cooper Costa Cox Davies Dawson
    Dhillon Doherty Douglas Duffy Edwards Ellis Evans Fernandes Fitzgerald Fleming
    Foster Fraser Gallagher Gill Gonzalez Graham Grant Green Griffiths Hall Hamilton
    Harris Harrison Hughes Hussain Iqbal Jackson James Jenkins Johnson Jones Kaur Kelly
    Kennedy Khan King Kowalski Kumar Lee Lewis Li Lloyd Lopez MacDonald Mahmood Malik
    Marshall Martin Mason McCarthy McKenzie Mensah Miller Mitchell Moore Morgan Morris
    Murphy Murray Nguyen Nowak Nwosu O'Brien O'Connor O'Neill Okafor Okonkwo Oliveira
    Osei Owen Palmer Parker Patel Pereira Phillips Powell Price Quinn Rahman Reid
    Reynolds Richards Roberts Robinson Rodrigues Rossi Russell Santos Scott Shah Sharma
    Shaw Simpson Singh Smith Stewart Sullivan Taylor Thomas Thompson Turner Walker Walsh
    Wang Ward Watson White Williams Wilson Wiśniewski Wong Wood Wright Yilmaz Young
    Zhang
    """
)


def pick_full_names(rng: np.random.Generator, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (first, last) pairs drawn from the lists; deterministic for ``rng``.

    Distinct pairs keep the derived e-mail addresses unique without numbering them.
    """
    capacity = len(FIRST_NAMES) * len(LAST_NAMES)
    if count > capacity:
        raise ValueError(f"cannot draw {count} distinct names from {capacity}")
    chosen: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    while len(chosen) < count:
        first = int(rng.integers(len(FIRST_NAMES)))
        last = int(rng.integers(len(LAST_NAMES)))
        if (first, last) in seen:
            continue
        seen.add((first, last))
        chosen.append((FIRST_NAMES[first], LAST_NAMES[last]))
    return chosen


def email_local_part(name: str) -> str:
    """Lower-case ASCII form of a name for an e-mail address ("O'Brien" → "obrien")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum())
