"""Staffing arithmetic for analysts: Erlang C, stable for hundreds of agents.

    from staffing import required_agents, service_level, probability_of_waiting
"""

from staffing.erlang_c import probability_of_waiting, required_agents, service_level

__all__ = ["probability_of_waiting", "required_agents", "service_level"]
