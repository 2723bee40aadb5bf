# Explanations the engine writes (alerts, actions, plans, classification rules).
