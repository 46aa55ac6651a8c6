"""The answering pipeline: understand -> retrieve -> features -> rank -> answerability ->
figures or passages -> check scope -> compose -> ground (see ``run``)."""

from assistant.pipeline.answerability import (
    ANSWERABILITY_FEATURES,
    AnswerabilityModel,
    create_answerability,
    question_features,
)
from assistant.pipeline.candidates import Candidate, Candidates, Evidence, Ranked
from assistant.pipeline.features import FEATURES, passage_features
from assistant.pipeline.question import Question, understand
from assistant.pipeline.ranking import (
    MODEL_DIR,
    LightGBMRanker,
    ModelError,
    PassageRanker,
    create_passage_ranker,
    rank,
)
from assistant.pipeline.retrieve import PassageRetriever
from assistant.pipeline.run import AnswerPipeline, AskResult, answer_more

__all__ = [
    "ANSWERABILITY_FEATURES",
    "FEATURES",
    "MODEL_DIR",
    "AnswerPipeline",
    "AnswerabilityModel",
    "AskResult",
    "Candidate",
    "Candidates",
    "Evidence",
    "LightGBMRanker",
    "ModelError",
    "PassageRanker",
    "PassageRetriever",
    "Question",
    "Ranked",
    "answer_more",
    "create_answerability",
    "create_passage_ranker",
    "passage_features",
    "question_features",
    "rank",
    "understand",
]
