"""Admin: the resource library at ``/admin/articles``: list, write, preview and publish articles.

The preview renders the body with the public renderer (:func:`directory.public.markdown.render_markdown`,
which sanitises), so what the admin sees is what the public page will show. Saving goes through
:mod:`directory.operations.articles` (admins only, audited); the view commits once. An article's
"find centers" links are built from its topics when its public page is shown, so saving new topics
changes them at once.
"""

from __future__ import annotations

from collections import Counter

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from directory.admin import bp
from directory.admin.forms_articles import ArticleForm, form_for
from directory.auth.accounts import signed_in_user
from directory.database import get_session
from directory.models import Article, Taxonomy, User
from directory.operations.articles import create_article, update_article
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.taxonomy import TermIndex
from directory.public.markdown import render_markdown


@bp.get("/articles")
def articles() -> str:
    """List every article, drafts too, most recently changed first."""
    found = get_session().scalars(select(Article).order_by(Article.updated_at.desc(), Article.title)).all()
    return render_template("admin/articles.html", articles=found)


@bp.route("/articles/new", methods=["GET", "POST"])
def new_article() -> Response:
    """Show the empty article form, preview it, or create the article."""
    if request.method == "GET":
        return _page(form_for(None), None)
    return _submitted(None)


@bp.route("/articles/<slug>/edit", methods=["GET", "POST"])
def edit_article(slug: str) -> Response:
    """Show an article's form, preview the changes, or save them."""
    article = get_session().scalar(
        select(Article)
        .where(Article.slug == slug)
        .options(selectinload(Article.faqs), selectinload(Article.citations), selectinload(Article.topics))
    )
    if article is None:
        abort(404)
    if request.method == "GET":
        return _page(form_for(article), article)
    return _submitted(article)


def _submitted(article: Article | None) -> Response:
    """Preview the form (nothing is saved) or save it; a refusal shows the form again (400/403)."""
    form = ArticleForm(topics=request.form.getlist("topics"))
    slug = article.slug if article is not None else None
    if "preview" in request.form:
        form.add_spare_rows()
        return _page(form, article, preview=render_markdown(form.body.data or ""))
    if not form.check(slug):
        form.add_spare_rows()
        return _page(form, article, status=400)
    session = get_session()
    terms = TermIndex.load(session)
    try:
        if article is None:
            article = create_article(session, form.cleaned, terms, actor=_actor())
            changed = True
        else:
            changed = update_article(session, article, form.cleaned, terms, actor=_actor())
    except OperationError as error:
        session.rollback()
        form.add_messages(error.field_errors or error.message)
        form.add_spare_rows()
        return _page(
            form,
            None if slug is None else article,
            status=403 if isinstance(error, PermissionDenied) else 400,
        )
    session.commit()
    state = "published" if article.published_on else "saved as a draft"
    flash(f"“{article.title}” is {state}." if changed else "Nothing had changed.", "info")
    return redirect(url_for("admin.edit_article", slug=article.slug), 303)


def _actor() -> User:
    user = signed_in_user()
    if user is None:
        abort(403)
    return user


def _page(
    form: ArticleForm, article: Article | None, *, preview: Markup | None = None, status: int = 200
) -> Response:
    schemes = (
        get_session()
        .scalars(select(Taxonomy).options(selectinload(Taxonomy.terms)).order_by(Taxonomy.position))
        .all()
    )
    body = render_template(
        "admin/article_form.html",
        form=form,
        article=article,
        schemes=schemes,
        chosen_counts=Counter(topic.partition(":")[0] for topic in form.topics),
        preview=preview,
    )
    return make_response(body, status)
