"""Argentine Spanish texts of the social and ticket sources: what customers write to the
brand, what the brand answers, what the page posts. Each topic carries the CRM motive a
case escalated from it gets."""

from __future__ import annotations

# topic -> (weight on a normal day, CRM motive, escalated to the CRM, templates)
# {brand} the handle, {barrio} a neighbourhood, {hora} a time of day, {n} a number
MENTION_TOPICS: dict[str, tuple[float, str, bool, tuple[str, ...]]] = {
    "sin_internet": (0.20, "sin_senal", True, (
        "{brand} hace {n} horas que estoy sin internet en {barrio}, ¿qué pasa?",
        "{brand} otra vez sin internet. Pago todos los meses y no anda nada",
        "{brand} ¿hay algún corte en {barrio}? Se me cayó internet desde las {hora}",
        "{brand} sin internet desde ayer, el módem tiene la luz roja titilando. ¿Alguien me ayuda?",
        "{brand} necesito internet para laburar y hace {n} horas que no tengo servicio",
    )),
    "sin_cable": (0.10, "sin_senal", True, (
        "{brand} no tengo señal en la tele desde las {hora}",
        "{brand} el deco dice 'sin señal' hace rato, ¿es general o es mío?",
        "{brand} se ven todos los canales pixelados en {barrio}, ¿están con problemas?",
    )),
    "lentitud": (0.12, "lentitud", True, (
        "{brand} contraté 300 megas y me llegan {n}. Así no se puede",
        "{brand} internet lentísimo todas las noches, ¿me van a devolver la plata?",
        "{brand} el wifi se corta cada {n} minutos, ya reinicié el módem mil veces",
    )),
    "facturacion": (0.14, "reclamo_facturacion", True, (
        "{brand} me cobraron dos veces la factura de este mes, ¿a quién le reclamo?",
        "{brand} me aumentaron la boleta sin avisar, ¿qué es este cargo nuevo?",
        "{brand} pagué la factura hace {n} días y me figura como impaga",
        "{brand} pedí la baja de un servicio hace dos meses y me lo siguen cobrando",
    )),
    "tecnico": (0.10, "visita_tecnica", True, (
        "{brand} me dijeron que el técnico venía entre las 8 y las 13 y nunca vino",
        "{brand} tercera vez que reprogramo la visita técnica, ¿es joda?",
        "{brand} estoy esperando al técnico desde las {hora}, ¿van a venir?",
    )),
    "atencion": (0.12, "reclamo_general", True, (
        "{brand} llamo al 0810 y no me atiende nadie, {n} minutos de espera",
        "{brand} me cortaron la llamada tres veces. Pésima atención",
        "{brand} ¿no tienen otro canal para reclamos? Por teléfono es imposible",
    )),
    "baja": (0.05, "solicitud_baja", True, (
        "{brand} quiero dar de baja el servicio y no hay forma, ¿cómo hago?",
        "{brand} me mudo y necesito la baja, ¿la puedo pedir por acá?",
    )),
    "consulta": (0.11, "consulta", False, (
        "{brand} ¿tienen cobertura en {barrio}?",
        "{brand} ¿cuánto sale agregar el pack fútbol?",
        "{brand} ¿cómo cambio la clave del wifi?",
        "{brand} hola, ¿el decodificador 4K tiene costo extra?",
    )),
    "elogio": (0.06, "consulta", False, (
        "Gracias {brand}, el técnico vino re puntual y me dejó todo andando 👏",
        "{brand} la verdad que desde que me pasé a la fibra vuela. Bien ahí",
        "Buena onda la chica que me atendió en {brand}, me resolvió todo en 5 minutos",
    )),
}
# on an outage, most of the extra mentions are about the failure in the affected area
OUTAGE_TEMPLATES = (
    "{brand} ¿se cayó todo en {barrio}? Sin internet ni cable desde las {hora}",
    "{brand} todo {barrio} sin servicio, ¿cuándo vuelve?",
    "{brand} corte masivo en {barrio} y nadie avisa nada. Un desastre",
    "{brand} ¿es general? En {barrio} no anda nada desde las {hora}",
    "{brand} hace horas que no tengo servicio en {barrio} y el 0810 no atiende",
)
FOLLOW_UPS = (
    "{brand} ya les mandé DM",
    "{brand} sigo sin servicio",
    "{brand} listo, ya volvió. Gracias",
    "{brand} les escribí por privado y nadie responde",
    "{brand} gracias por responder",
)
REPLIES = {
    "complaint": (
        "Hola {first}, lamentamos el inconveniente. ¿Nos enviás por DM tu número de cliente y dirección así lo revisamos?",
        "Hola {first}, te pedimos disculpas. Escribinos por privado con tu número de cliente y lo vemos enseguida.",
        "{first}, ya estamos revisando tu caso. Te contactamos por DM en breve.",
    ),
    "outage": (
        "Hola {first}, estamos trabajando en una falla que afecta el servicio en {barrio}. Te pedimos disculpas, lo normalizamos a la brevedad.",
        "{first}, hay una falla masiva en {barrio} y nuestros técnicos ya están trabajando. Te avisamos cuando se normalice.",
    ),
    "consulta": (
        "¡Hola {first}! Te escribimos por DM con toda la info 😊",
        "Hola {first}, podés consultarlo en telecentro.com.ar o escribirnos por privado y te ayudamos.",
    ),
    "elogio": (
        "¡Gracias {first}! Le hacemos llegar tu comentario al equipo 🙌",
        "¡Qué bueno leer esto, {first}! Gracias por elegirnos.",
    ),
}
PAGE_POSTS = (
    "¡Llegó el Pack Fútbol! Sumalo a tu plan y mirá todos los partidos en HD.",
    "Recordá que podés pagar tu factura desde la app o en telecentro.com.ar, sin filas.",
    "¿Sabías que podés cambiar la clave de tu wifi desde la app? Te contamos cómo.",
    "Este fin de semana, estrenos en el On Demand. ¿Cuál vas a ver primero?",
    "Fibra óptica 1000 megas: ahora también en más barrios. Consultá tu cobertura.",
    "Consejo del día: ubicá el módem en un lugar alto y despejado para mejorar la señal.",
    "Nuevos canales en la grilla HD. Buscalos en tu decodificador.",
    "Atendemos tus consultas también por acá, de lunes a domingo.",
)
OUTAGE_POST = (
    "Estamos trabajando para resolver una falla que afecta el servicio de {services} en {barrio}. "
    "Te pedimos disculpas por las molestias; te mantenemos al tanto por este medio."
)
RESTORED_POST = "El servicio de {services} en {barrio} ya se encuentra normalizado. ¡Gracias por tu paciencia!"
HIDDEN_COMMENTS = (
    "CHORROS!!! devuelvan la plata",
    "Ganá plata desde tu casa, escribime al privado 💰💰",
    "son una banda de inútiles, la p... que los p...",
)
SERVICE_NAMES = {"internet": "internet", "catv": "televisión", "telefonia": "telefonía"}


def barrio(area: str) -> str:
    """'CABA - Caballito' -> 'Caballito'; 'La Matanza - San Justo' -> 'San Justo'."""
    return area.split(" - ")[-1]


def services_text(services) -> str:
    names = [SERVICE_NAMES.get(s, s) for s in services]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " y " + names[-1]


STREETS = (
    "Av. Rivadavia", "Av. Corrientes", "Av. Cabildo", "Av. San Martín", "Av. Directorio",
    "Av. Juan B. Justo", "Av. Santa Fe", "Av. Triunvirato", "Av. Mitre", "Av. Hipólito Yrigoyen",
    "Bacacay", "Yerbal", "Nazca", "Boedo", "Gaona", "Pedernera", "Juramento", "Olazábal",
)
OTRS_SUBJECTS = {
    "sin_senal": ("Cliente sin señal", "Sin señal de TV", "Sin conexión a internet", "Módem sin sincronizar"),
    "edificio_sin_senal": ("Edificio sin señal",),
    "soporte_sucursal": ("Consulta técnica sucursal", "Alta de equipo en sucursal", "Error al activar decodificador"),
    "reclamo_noc": ("Alarma de nodo", "Degradación de señal en nodo", "Caída de enlace"),
}
