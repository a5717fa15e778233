"""The one base for refusals people should read.

Services raise a subclass with a message constant; views and commands catch it and
show `message` as it is (a form error, a 4xx page, a CommandError), never a trace.
"""


class UserFacingError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
