"""The template front end: CloudFormation, SAM and Serverless Framework templates."""
