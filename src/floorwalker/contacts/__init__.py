"""Contacts: every customer interaction and every agent state, as the center's systems wrote them."""
