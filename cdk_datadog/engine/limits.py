"""The limits of AWS Lambda, CloudWatch Logs and CloudFormation that instrumentation must
respect, in one place: the planner, the stack planner and the lint checks all read them here.
"""

#: layers a function may carry
MAX_LAYERS = 5
#: bytes of environment variable names and values (UTF-8) per function
MAX_ENVIRONMENT_BYTES = 4096
#: characters of a function's Handler (and so of DD_LAMBDA_HANDLER, which carries it)
MAX_HANDLER_LENGTH = 128
#: subscription filters per log group
MAX_SUBSCRIPTION_FILTERS = 2
#: resources per CloudFormation stack
MAX_STACK_RESOURCES = 500
#: past this many resources a stack gets a warning
NEAR_STACK_LIMIT = 450
#: characters of a log group name
MAX_LOG_GROUP_NAME = 512
