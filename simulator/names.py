"""Agent (queue member) names: common Argentine first names and surnames."""

from __future__ import annotations

import numpy as np

FIRST_NAMES = (
    "Lucía",
    "Martín",
    "Sofía",
    "Agustín",
    "Valentina",
    "Matías",
    "Camila",
    "Joaquín",
    "Florencia",
    "Nicolás",
    "Micaela",
    "Tomás",
    "Julieta",
    "Facundo",
    "Milagros",
    "Gonzalo",
    "Rocío",
    "Ezequiel",
    "Belén",
    "Maximiliano",
    "Antonella",
    "Germán",
    "Ailén",
    "Iván",
    "Lourdes",
    "Ramón",
    "Mónica",
    "Inés",
    "Andrés",
    "Verónica",
    "Sebastián",
    "Noelia",
    "Damián",
    "Yésica",
    "Jonatán",
    "Paula",
    "Leandro",
    "Carla",
    "Hernán",
    "Marisol",
    "Cristian",
    "Daiana",
    "Federico",
    "Brenda",
    "Lautaro",
    "Agustina",
)
SURNAMES = (
    "Gómez",
    "Fernández",
    "Rodríguez",
    "González",
    "López",
    "Martínez",
    "Pérez",
    "García",
    "Sánchez",
    "Romero",
    "Sosa",
    "Álvarez",
    "Torres",
    "Ruiz",
    "Ramírez",
    "Flores",
    "Benítez",
    "Acosta",
    "Medina",
    "Herrera",
    "Suárez",
    "Aguirre",
    "Giménez",
    "Gutiérrez",
    "Pereyra",
    "Molina",
    "Castro",
    "Ortiz",
    "Núñez",
    "Domínguez",
    "Ibáñez",
    "Muñoz",
    "Rojas",
    "Vega",
    "Cabrera",
    "Ledesma",
    "Quiroga",
    "Peralta",
    "Ferreyra",
    "Godoy",
)


def agent_names(count: int, rng: np.random.Generator) -> list[str]:
    """`count` distinct "First Surname" names, deterministic for the generator."""
    combos = len(FIRST_NAMES) * len(SURNAMES)
    if count > combos:
        raise ValueError(f"at most {combos} distinct agent names")
    picks = rng.choice(combos, size=count, replace=False)
    return [
        f"{FIRST_NAMES[p // len(SURNAMES)]} {SURNAMES[p % len(SURNAMES)]}"
        for p in picks
    ]


def more_agent_names(count: int, exclude, rng: np.random.Generator) -> list[str]:
    """`count` more distinct names, none of them in `exclude` (agents of other lines)."""
    taken = set(exclude)
    free = [
        f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES if f"{f} {s}" not in taken
    ]
    if count > len(free):
        raise ValueError(f"only {len(free)} agent names left")
    return [free[i] for i in rng.choice(len(free), size=count, replace=False).tolist()]
